import { parseArgs } from 'node:util';
import { SMALL_CELL_ROUNDS } from './matrix';

export type BenchTarget = 'excloud' | 'rgw' | 'nginx';
export type Topology = 'production' | 'local';
export type RuntimeKind = 'node24' | 'node20-tsx';
const TARGETS: BenchTarget[] = ['excloud', 'rgw', 'nginx'];

export interface BenchOptions {
  /** Cell patterns (see selectCells); undefined runs the whole matrix. */
  only?: string[];
  /** Seconds per cell. */
  seconds: number;
  profile: boolean;
  /** Servers to measure; `excloud` is ours in every topology asked for. */
  targets: BenchTarget[];
  topologies: Topology[];
  /** How the production topology runs its services. */
  runtime: RuntimeKind;
  /** A previous run's RESULTS.json whose CPU per operation the report shows as "before". */
  baseline?: string;
  /** A Markdown file of the runner's own notes (what limits each cell), put into the report. */
  note?: string;
  signedPayload: boolean;
  /** Rounds for the cells of small objects (1: each target runs its whole window at once). */
  rounds: number;
  /** Report path; quick runs default to RESULTS.partial.md so they never overwrite the full run. */
  out: string;
  keep: boolean;
  help: boolean;
}

export const USAGE = `pnpm bench [options]

Starts our stack (production topology: one process per service; local mode: the command
newcomers run), Ceph RGW (when installed) and nginx, runs the benchmark matrix against each of
them cell by cell, and writes bench/RESULTS.md.

  --only <patterns>   comma-separated cell ids or globs: put-4k-c8, 'get-*-c8', list, mixed
  --seconds <n>       seconds per cell (default 10, or BENCH_SECONDS)
  --target <list>     comma list of excloud, rgw, nginx (default all; one that is not installed
                      is reported as missing)
  --topology <t>      production, local or both (default both)
  --runtime <r>       production topology on node24 (the compiled build on Node 24, as shipped;
                      default) or node20-tsx (tsx on the host's Node, the way before issue 9)
  --baseline <file>   a previous RESULTS.json: CPU per operation before/after per service
  --note <file>       Markdown notes (what limits each cell, with the profile) put into the report
  --profile           also profile PUT 4 KiB c8 and GET 1 MiB c8 (node --cpu-prof, stack restarted)
  --signed-payload    sign the body SHA-256 instead of UNSIGNED-PAYLOAD (server then hashes too)
  --rounds <n>        rounds for cells of objects up to 1 MiB, the targets taking turns each
                      round (default ${SMALL_CELL_ROUNDS}; 1 runs each target's window in one go)
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
      topology: { type: 'string' },
      runtime: { type: 'string' },
      baseline: { type: 'string' },
      note: { type: 'string' },
      profile: { type: 'boolean', default: false },
      'signed-payload': { type: 'boolean', default: false },
      rounds: { type: 'string' },
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
  const targets = values.target === undefined ? TARGETS : [...new Set(values.target.split(',').map((t) => t.trim()).filter(Boolean))];
  const unknown = targets.filter((t) => !TARGETS.includes(t as BenchTarget));
  if (unknown.length || targets.length === 0) throw new Error(`--target takes a comma list of ${TARGETS.join(', ')}, got ${values.target}`);
  const topology = values.topology ?? 'both';
  if (!['production', 'local', 'both'].includes(topology)) throw new Error(`--topology must be production, local or both, got ${topology}`);
  const runtime = values.runtime ?? 'node24';
  if (!['node24', 'node20-tsx'].includes(runtime)) throw new Error(`--runtime must be node24 or node20-tsx, got ${runtime}`);
  const rounds = values.rounds === undefined ? SMALL_CELL_ROUNDS : Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 10) throw new Error(`--rounds must be a whole number from 1 to 10, got ${values.rounds}`);
  const quick = only !== undefined || rawSeconds !== undefined || values.target !== undefined || topology !== 'both' || runtime !== 'node24' || values.rounds !== undefined;
  return {
    only,
    seconds,
    profile: values.profile!,
    // Run order within a cell: ours, then RGW, then nginx.
    targets: TARGETS.filter((t) => targets.includes(t)),
    topologies: topology === 'both' ? ['production', 'local'] : [topology as Topology],
    runtime: runtime as RuntimeKind,
    baseline: values.baseline,
    note: values.note,
    signedPayload: values['signed-payload']!,
    rounds,
    out: values.out ?? (quick ? 'RESULTS.partial.md' : 'RESULTS.md'),
    keep: values.keep!,
    help: values.help!,
  };
}
