import type { CellSummary } from './cell-result';
import { fmtMs, fmtNum } from './report';

/**
 * One line per finished cell, and on a terminal a live line updated every second while a cell
 * runs, so a twenty-minute run never looks hung.
 */
export class Progress {
  private live = false;
  private readonly tty = Boolean(process.stdout.isTTY);

  constructor(private readonly total: number) {}

  log(line: string): void {
    this.clearLive();
    process.stdout.write(line + '\n');
  }

  update(index: number, target: string, title: string, elapsedMs: number, windowMs: number, ops: number, errors: number): void {
    if (!this.tty) return;
    const rate = elapsedMs > 0 ? (ops * 1000) / elapsedMs : 0;
    const secs = `${Math.min(elapsedMs, windowMs) / 1000 | 0}/${Math.round(windowMs / 1000)} s`;
    process.stdout.write(`\r\x1b[K${this.prefix(index)} ${target.padEnd(7)} ${title.padEnd(22)} ${secs.padStart(8)}  ${fmtNum(rate).padStart(8)} ops/s  err ${errors}`);
    this.live = true;
  }

  done(index: number, s: CellSummary, title: string): void {
    const status = s.status === 'ok' ? '' : `  [${s.status}]`;
    const mib = s.mibPerSec > 0 ? `${s.mibPerSec.toFixed(1).padStart(8)} MiB/s` : ''.padStart(14);
    this.log(
      `${this.prefix(index)} ${s.target.padEnd(7)} ${title.padEnd(22)} ${fmtNum(s.opsPerSec).padStart(8)} ops/s ${mib}  ` +
        `p50 ${fmtMs(s.p50Ms)}  p99 ${fmtMs(s.p99Ms)}  p99.9 ${fmtMs(s.p999Ms)} ms  err ${s.errors}  (${s.seconds.toFixed(1)} s)${status}`,
    );
  }

  private prefix(index: number): string {
    const w = String(this.total).length;
    return `[${String(index).padStart(w)}/${this.total}]`;
  }

  private clearLive(): void {
    if (this.live) process.stdout.write('\r\x1b[K');
    this.live = false;
  }
}
