import { parseArgs } from 'node:util';

export interface BenchOptions {
  /** Cell patterns (see selectCells); undefined runs the whole matrix. */
  only?: string[];
  /** Seconds per cell. */
  seconds: number;
  profile: boolean;
  targets: Array<'excloud' | 'nginx'>;
  signedPayload: boolean;
  /** Report path; quick runs default to RESULTS.partial.md so they never overwrite the full run. */
  out: string;
  keep: boolean;
  help: boolean;
}

export const USAGE = `pnpm bench [options]

Starts the stack (one process per service, Postgres, Redis, fs blobs with fsync) and nginx, runs
the benchmark matrix against both, and writes bench/RESULTS.md.

  --only <patterns>   comma-separated cell ids or globs: put-4k-c8, 'get-*-c8', list, mixed
  --seconds <n>       seconds per cell (default 10, or BENCH_SECONDS)
  --target <t>        excloud, nginx or both (default both)
  --profile           also profile PUT 4 KiB c8 and GET 1 MiB c8 (node --cpu-prof, stack restarted)
  --signed-payload    sign the body SHA-256 instead of UNSIGNED-PAYLOAD (server then hashes too)
  --out <file>        report path (default RESULTS.md; RESULTS.partial.md with --only/--seconds)
  --keep              keep the data directory and logs
  --help
`;

export function parseBenchArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): BenchOptions {
  const { values } = parseArgs({
    args: argv.filter((a) => a !== '--'),
    options: {
      only: { type: 'string', multiple: true },
      seconds: { type: 'string' },
      target: { type: 'string' },
      profile: { type: 'boolean', default: false },
      'signed-payload': { type: 'boolean', default: false },
      out: { type: 'string' },
      keep: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  const rawSeconds = values.seconds ?? env.BENCH_SECONDS;
  const seconds = rawSeconds === undefined ? 10 : Number(rawSeconds);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 600) throw new Error(`--seconds must be a number of seconds in (0, 600], got ${rawSeconds}`);
  const only = values.only?.flatMap((v) => v.split(',')).map((s) => s.trim()).filter(Boolean);
  const target = values.target ?? 'both';
  if (!['excloud', 'nginx', 'both'].includes(target)) throw new Error(`--target must be excloud, nginx or both, got ${target}`);
  const quick = only !== undefined || rawSeconds !== undefined || target !== 'both';
  return {
    only,
    seconds,
    profile: values.profile!,
    targets: target === 'both' ? ['excloud', 'nginx'] : [target as 'excloud' | 'nginx'],
    signedPayload: values['signed-payload']!,
    out: values.out ?? (quick ? 'RESULTS.partial.md' : 'RESULTS.md'),
    keep: values.keep!,
    help: values.help!,
  };
}
