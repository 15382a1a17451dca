import path from 'node:path';
import { loadRecord } from './render';
import type { Baseline, RunRecord } from './run-record';

/**
 * The "before" side of the report's CPU tables: CPU per operation per process group of every
 * measured cell of an earlier run's RESULTS.json, copied into this run's record so the report
 * stays a pure function of the record.
 */
export function loadBaseline(file: string, benchDir = path.resolve(__dirname, '..')): Baseline {
  return baselineOf(loadRecord(path.resolve(file)), path.relative(benchDir, path.resolve(file)));
}

export function baselineOf(r: RunRecord, file: string): Baseline {
  return {
    file,
    startedAt: r.startedAt.toISOString(),
    command: r.command,
    commit: r.versions.commit,
    node: r.topologies?.join('; ') ?? `node --import tsx on ${r.versions.node}`,
    cpu: r.machine.cpu,
    cells: r.cells
      .filter((c) => c.resources && c.summary.ops > 0)
      .map((c) => ({ cell: c.def.id, target: c.target, cpuMsPerOp: Object.fromEntries(Object.entries(c.resources!).map(([g, u]) => [g, u.cpuMs / c.summary.ops])) })),
  };
}
