import { LatencyHistogram } from './histogram';

/** `excloud` is our production topology, `local` the local-mode command newcomers run. */
export type TargetName = 'excloud' | 'local' | 'rgw' | 'nginx';
export type CellStatus = 'ok' | 'not implemented' | 'n/a' | 'failed';

/** What one cell measured: everything the report needs, nothing it has to recompute from raw samples. */
export interface CellSummary {
  cell: string;
  target: TargetName;
  status: CellStatus;
  ops: number;
  bytes: number;
  errors: number;
  /** First few distinct error messages, for the report. */
  errorSamples: string[];
  seconds: number;
  opsPerSec: number;
  mibPerSec: number;
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
  meanMs: number;
  maxMs: number;
  note?: string;
  /** Per-operation breakdown (the mixed workload). */
  byOp?: Record<string, { ops: number; opsPerSec: number; p50Ms: number; p99Ms: number }>;
}

const MIB = 1024 * 1024;

/** Accumulates one cell while workers run; errors are counted, not timed. */
export class CellRecorder {
  readonly latency = new LatencyHistogram();
  readonly perOp = new Map<string, LatencyHistogram>();
  ops = 0;
  bytes = 0;
  errors = 0;
  private readonly samples = new Map<string, number>();

  success(micros: number, bytes: number, op?: string): void {
    this.ops++;
    this.bytes += bytes;
    this.latency.record(micros);
    if (op !== undefined) {
      let h = this.perOp.get(op);
      if (!h) this.perOp.set(op, (h = new LatencyHistogram()));
      h.record(micros);
    }
  }

  failure(err: unknown): void {
    this.errors++;
    const msg = err instanceof Error ? err.message : String(err);
    if (this.samples.size < 5 || this.samples.has(msg)) this.samples.set(msg, (this.samples.get(msg) ?? 0) + 1);
  }

  summarize(cell: string, target: TargetName, seconds: number, status: CellStatus = 'ok', note?: string): CellSummary {
    const ms = (us: number) => us / 1000;
    const rate = (n: number) => (seconds > 0 ? n / seconds : 0);
    const byOp = this.perOp.size
      ? Object.fromEntries(
          [...this.perOp].map(([op, h]) => [op, { ops: h.count, opsPerSec: rate(h.count), p50Ms: ms(h.percentile(50)), p99Ms: ms(h.percentile(99)) }]),
        )
      : undefined;
    return {
      cell,
      target,
      status,
      ops: this.ops,
      bytes: this.bytes,
      errors: this.errors,
      errorSamples: [...this.samples].map(([m, n]) => (n > 1 ? `${m} (x${n})` : m)),
      seconds,
      opsPerSec: rate(this.ops),
      mibPerSec: rate(this.bytes) / MIB,
      p50Ms: ms(this.latency.percentile(50)),
      p99Ms: ms(this.latency.percentile(99)),
      p999Ms: ms(this.latency.percentile(99.9)),
      meanMs: ms(this.latency.mean()),
      maxMs: ms(this.latency.count ? this.latency.max : 0),
      note,
      byOp,
    };
  }
}

/** Our result divided by nginx's on the figure that matters for the cell's size. */
export function ratio(ours: CellSummary | undefined, ceiling: CellSummary | undefined): number | undefined {
  if (!ours || !ceiling || ours.status !== 'ok' || ceiling.status !== 'ok') return undefined;
  const a = ours.opsPerSec;
  const b = ceiling.opsPerSec;
  if (b <= 0) return undefined;
  // Same object size on both sides, so the ops ratio equals the MiB/s ratio; multipart compares
  // bytes because its "op" is a whole upload.
  if (ours.bytes > 0 && ceiling.bytes > 0) return ours.mibPerSec / ceiling.mibPerSec;
  return a / b;
}
