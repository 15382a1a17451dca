/** What the measure-* scripts share: CPU from /proc, a free port, a fixed-concurrency loop. */
import { readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';

/** Calls in flight (MEASURE_CONCURRENCY, default 8 like the bench's c8 cells). */
export const CONCURRENCY = Number(process.env.MEASURE_CONCURRENCY ?? 8);

/** utime + stime of a process in ms; 0 for one that has exited (a Postgres backend, say). */
export function cpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // MEASURE_CPU=user|system splits the two (kernel work such as socket and page-cache copies is system).
    const mode = process.env.MEASURE_CPU;
    // MEASURE_CPU=minflt reports minor page faults instead (fresh memory touched: costly in a VM).
    if (mode === 'minflt') return Number(fields[7]);
    const ticks = mode === 'user' ? Number(fields[11]) : mode === 'system' ? Number(fields[12]) : Number(fields[11]) + Number(fields[12]);
    return (ticks * 1000) / 100;
  } catch {
    return 0;
  }
}

/**
 * CPU (ms, as cpuMs) of every Postgres process on the machine: its backends, WAL writer and
 * checkpointer. Meaningful while the measured stack is the machine's only Postgres load.
 */
export function postgresCpuMs(): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres') total += cpuMs(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return total;
}

/** Resident memory of a process in MiB; 0 for one that has exited. */
export function rssMib(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Runs fn(0..n-1) with CONCURRENCY calls in flight. */
export async function inParallel(n: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < n) await fn(next++);
    }),
  );
}
