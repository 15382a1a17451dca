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
    const until = Date.now() + 150;
    let x = 0;
    while (Date.now() < until) x += Math.sqrt(x + 1);
    await new Promise((r) => setTimeout(r, 30));
    const usage = sampler.stop();
    expect(usage.me.cpuMs).toBeGreaterThanOrEqual(50);
    expect(usage.me.maxRssMib).toBeGreaterThan(10);
    expect(usage.generator.cpuMs).toBeGreaterThanOrEqual(50);
    expect(x).toBeGreaterThan(0);
  });
});
