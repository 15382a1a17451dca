/**
 * Latency histogram in the HdrHistogram style: exact below 2^PRECISION_BITS microseconds, then
 * every power of two is split into 2^(PRECISION_BITS-1) equal buckets, so any recorded value is
 * known to within 1/64 (~1.6%) while memory stays a few KiB whatever the sample count. Recording
 * is O(1) and allocation-free, which matters because the generator shares two cores with the
 * system under test.
 */
const PRECISION_BITS = 7;
const LINEAR = 1 << PRECISION_BITS; // values below this are exact
const HALF = LINEAR >> 1;
const MAX_VALUE = 2 ** 31 - 1; // ~35 minutes in microseconds

export class LatencyHistogram {
  private counts = new Float64Array(bucketIndex(MAX_VALUE) + 1);
  count = 0;
  sum = 0;
  min = Infinity;
  max = 0;

  /** Records one latency in microseconds (fractions are truncated, negatives clamp to 0). */
  record(micros: number): void {
    const v = Math.min(MAX_VALUE, Math.max(0, Math.floor(micros)));
    this.counts[bucketIndex(v)]++;
    this.count++;
    this.sum += v;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
  }

  merge(other: LatencyHistogram): void {
    for (let i = 0; i < other.counts.length; i++) this.counts[i] += other.counts[i];
    this.count += other.count;
    this.sum += other.sum;
    this.min = Math.min(this.min, other.min);
    this.max = Math.max(this.max, other.max);
  }

  mean(): number {
    return this.count === 0 ? 0 : this.sum / this.count;
  }

  /**
   * The value at percentile p (0..100): the smallest recorded bucket whose cumulative count
   * reaches ceil(p% of count), reported as that bucket's midpoint and clamped to [min, max] so
   * p0 and p100 are exact.
   */
  percentile(p: number): number {
    if (this.count === 0) return 0;
    if (p <= 0) return this.min;
    if (p >= 100) return this.max;
    const rank = Math.max(1, Math.ceil((Math.min(100, Math.max(0, p)) / 100) * this.count));
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i];
      if (seen >= rank) {
        const [lo, hi] = bucketBounds(i);
        return Math.min(this.max, Math.max(this.min, (lo + hi) / 2));
      }
    }
    return this.max;
  }
}

export function bucketIndex(v: number): number {
  if (v < LINEAR) return v;
  const bits = 32 - Math.clz32(v);
  const shift = bits - PRECISION_BITS;
  const top = v >>> shift; // in [HALF, LINEAR)
  return LINEAR + (shift - 1) * HALF + (top - HALF);
}

/** Inclusive lowest and highest value that land in bucket i. */
export function bucketBounds(i: number): [number, number] {
  if (i < LINEAR) return [i, i];
  const shift = Math.floor((i - LINEAR) / HALF) + 1;
  const top = HALF + ((i - LINEAR) % HALF);
  return [top * 2 ** shift, (top + 1) * 2 ** shift - 1];
}
