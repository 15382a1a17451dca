import { CellRecorder, ratio } from './cell-result';
import { LatencyHistogram, bucketBounds, bucketIndex } from './histogram';

/** Exact percentile of sorted samples, with the same rank rule as the histogram. */
function exactPercentile(sorted: number[], p: number): number {
  return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1];
}

describe('LatencyHistogram buckets', () => {
  it('every value lands in a bucket whose bounds contain it, and buckets are contiguous', () => {
    for (const v of [0, 1, 127, 128, 129, 255, 256, 1000, 65_535, 123_456, 2 ** 30 + 7, 2 ** 31 - 1]) {
      const [lo, hi] = bucketBounds(bucketIndex(v));
      expect(lo).toBeLessThanOrEqual(v);
      expect(hi).toBeGreaterThanOrEqual(v);
      // Within 1/64 of the value: the promised precision.
      expect(hi - lo).toBeLessThanOrEqual(Math.max(0, v / 64));
    }
    for (let i = 0; i < bucketIndex(2 ** 31 - 1); i++) {
      expect(bucketBounds(i + 1)[0]).toBe(bucketBounds(i)[1] + 1);
    }
  });
});

describe('LatencyHistogram percentiles', () => {
  it('match sorted samples to within 2% on a skewed distribution', () => {
    const h = new LatencyHistogram();
    const samples: number[] = [];
    let seed = 42;
    const rand = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 50_000; i++) {
      // Mostly ~1 ms, a long tail up to ~2 s: what storage latencies look like.
      const v = Math.floor(500 + 1000 * rand() + (rand() < 0.01 ? 2_000_000 * rand() : 0));
      samples.push(v);
      h.record(v);
    }
    samples.sort((a, b) => a - b);
    for (const p of [50, 90, 99, 99.9]) {
      const exact = exactPercentile(samples, p);
      expect(Math.abs(h.percentile(p) - exact) / exact).toBeLessThan(0.02);
    }
    expect(h.percentile(100)).toBe(samples[samples.length - 1]);
    expect(h.percentile(0)).toBe(samples[0]);
    expect(h.count).toBe(50_000);
    expect(h.mean()).toBeCloseTo(samples.reduce((a, b) => a + b, 0) / samples.length, 6);
  });

  it('is exact for small values and empty-safe', () => {
    const h = new LatencyHistogram();
    expect(h.percentile(99)).toBe(0);
    for (const v of [3, 1, 2, 5, 4]) h.record(v);
    expect(h.percentile(50)).toBe(3);
    expect(h.percentile(99.9)).toBe(5);
    expect(h.percentile(20)).toBe(1);
  });

  it('merging equals recording everything in one', () => {
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    const all = new LatencyHistogram();
    for (let i = 1; i <= 1000; i++) {
      (i % 3 ? a : b).record(i * 37);
      all.record(i * 37);
    }
    a.merge(b);
    for (const p of [1, 50, 99, 99.9]) expect(a.percentile(p)).toBe(all.percentile(p));
    expect([a.count, a.min, a.max, a.sum]).toEqual([all.count, all.min, all.max, all.sum]);
  });
});

describe('CellRecorder', () => {
  it('turns counts and latencies into rates over the cell duration', () => {
    const r = new CellRecorder();
    for (let i = 0; i < 100; i++) r.success(2_000, 1024 * 1024);
    r.failure(new Error('boom'));
    r.failure(new Error('boom'));
    const s = r.summarize('put-1m-c8', 'excloud', 4);
    expect(s.opsPerSec).toBe(25);
    expect(s.mibPerSec).toBe(25);
    expect(s.p50Ms).toBeCloseTo(2, 1);
    expect(s.errors).toBe(2);
    expect(s.errorSamples).toEqual(['boom (x2)']);
  });

  it('breaks the mixed workload down per operation', () => {
    const r = new CellRecorder();
    r.success(1000, 10, 'GET');
    r.success(1000, 0, 'HEAD');
    r.success(1000, 0, 'HEAD');
    const s = r.summarize('mixed', 'nginx', 1);
    expect(s.byOp?.HEAD.ops).toBe(2);
    expect(s.byOp?.GET.opsPerSec).toBe(1);
  });

  it('ratio compares throughput and refuses cells that did not run', () => {
    const ours = new CellRecorder();
    const theirs = new CellRecorder();
    for (let i = 0; i < 10; i++) ours.success(1000, 4096);
    for (let i = 0; i < 40; i++) theirs.success(1000, 4096);
    expect(ratio(ours.summarize('a', 'excloud', 1), theirs.summarize('a', 'nginx', 1))).toBeCloseTo(0.25);
    expect(ratio(ours.summarize('a', 'excloud', 1, 'not implemented'), theirs.summarize('a', 'nginx', 1))).toBeUndefined();
    expect(ratio(undefined, theirs.summarize('a', 'nginx', 1))).toBeUndefined();
  });
});
