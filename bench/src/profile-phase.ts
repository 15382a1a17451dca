import path from 'node:path';
import { runCell, type CellEnv, type Probe } from './cell-runner';
import { runAll } from './closed-loop';
import type { NginxInstance } from './nginx';
import { MATRIX } from './matrix';
import { readProfiles, summarizeProfiles } from './profile';
import { Progress } from './progress';
import type { ProfiledCell } from './run-record';
import { REPO_ROOT, SERVICES, Stack, migrate, type StackConfig } from './stack';
import { S3Target } from './targets/s3-target';
import { prepareCell, type TargetState } from './workloads';

/** Cells whose hot path the issue wants explained. */
export const PROFILED_CELLS = ['put-4k-c8', 'get-1m-c8'];
const WARMUP_OPS = 300;
const TOP_FUNCTIONS = 10;

export interface ProfileContext {
  config: StackConfig;
  res: { stack?: Stack; nginx?: NginxInstance };
  creds: { accessKeyId: string; secretAccessKey: string };
  signedPayload: boolean;
  excloud: TargetState;
  env: CellEnv;
  probeFor: (stack: Stack) => Probe;
  profileRoot: string;
}

/**
 * Restarts the stack once under `node --cpu-prof`, then for each profiled cell prepares its
 * objects, warms up and runs it; profiles are written when the stack stops and each cell is
 * summarised from the samples inside its own window, so preparation, warm-up and startup (tsx
 * compiling TypeScript) are left out.
 */
export async function runProfiles(ctx: ProfileContext): Promise<ProfiledCell[]> {
  const progress = new Progress(PROFILED_CELLS.length);
  const env = { ...ctx.env, progress };
  const dir = ctx.profileRoot;
  ctx.env.progress.log(`profiling ${PROFILED_CELLS.join(', ')}: restarting the stack under --cpu-prof`);
  await ctx.res.stack?.stop();
  ctx.res.stack = undefined;
  // The tree may have moved on during a long run (new migrations): bring the schema along.
  await migrate(ctx.config);
  const stack = await Stack.start(ctx.config, { cpuProfDir: dir });
  ctx.res.stack = stack;
  const s3 = new S3Target({ host: '127.0.0.1', port: ctx.config.ports.gateway, bucket: 'bench-data', ...ctx.creds, signedPayload: ctx.signedPayload });
  ctx.excloud.retarget(s3, s3.withBucket('bench-list'));

  const runs = [];
  for (const [i, id] of PROFILED_CELLS.entries()) {
    const def = MATRIX.find((c) => c.id === id)!;
    // JIT and connection pools warm up before the measured window.
    const warm = await prepareCell(def, ctx.excloud, { payloads: ctx.env.payloads, log: (l) => progress.log(l) });
    const signal = new AbortController().signal;
    await runAll(WARMUP_OPS, def.concurrency, (n) => warm.step(n % def.concurrency, signal).then(() => undefined));
    runs.push({ def, run: await runCell(def, ctx.excloud, i + 1, env, ctx.probeFor(stack)) });
  }
  await stack.stop();
  ctx.res.stack = undefined;

  return runs.map(({ def, run }) => {
    const ops = Math.max(1, run.summary.ops);
    return {
      cell: def.id,
      title: def.title,
      ops: run.summary.ops,
      seconds: run.summary.seconds,
      services: Object.fromEntries(SERVICES.map((s) => [s, summarizeProfiles(readProfiles(path.join(dir, s)), TOP_FUNCTIONS, run.window, REPO_ROOT)])),
      cpuMsPerOp: Object.fromEntries(Object.entries(run.resources ?? {}).map(([g, u]) => [g, u.cpuMs / ops])),
      pgCommitsPerOp: run.pgCommits !== undefined ? run.pgCommits / ops : undefined,
    };
  });
}
