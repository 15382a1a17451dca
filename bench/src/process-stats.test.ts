import { ResourceSampler, readProc } from './process-stats';

describe('readProc', () => {
  it('reads CPU time and memory of a live process, nothing for a dead one', () => {
    const s = readProc(process.pid)!;
    expect(s.cpuMs).toBeGreaterThan(0);
    expect(s.rssKib).toBeGreaterThan(10_000);
    expect(s.hwmKib).toBeGreaterThanOrEqual(s.rssKib);
    expect(readProc(2 ** 22 + 12345)).toBeUndefined();
  });
});

describe('ResourceSampler', () => {
  it('attributes CPU burnt between start and stop to the group', async () => {
    const sampler = new ResourceSampler();
    sampler.start({ me: [process.pid] }, 20);
    // Burn 150 ms of CPU, not of wall time: on a busy machine wall time buys less CPU.
    const cpu0 = process.cpuUsage();
    const burnt = () => {
      const d = process.cpuUsage(cpu0);
      return (d.user + d.system) / 1000;
    };
    let x = 0;
    while (burnt() < 150) for (let i = 0; i < 10_000; i++) x += Math.sqrt(x + 1);
    await new Promise((r) => setTimeout(r, 30));
    const usage = sampler.stop();
    expect(usage.me.cpuMs).toBeGreaterThanOrEqual(50);
    expect(usage.me.maxRssMib).toBeGreaterThan(10);
    expect(usage.generator.cpuMs).toBeGreaterThanOrEqual(50);
    expect(x).toBeGreaterThan(0);
  });
});
