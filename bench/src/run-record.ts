import type { CellSummary, TargetName } from './cell-result';
import type { MachineInfo, Versions } from './machine';
import type { CellDef } from './matrix';
import type { ProfileSummary } from './profile';
import type { GroupUsage } from './process-stats';

/** Everything one `pnpm bench` run measured: the report is a pure function of this. */
export interface CellRun {
  def: CellDef;
  target: TargetName;
  summary: CellSummary;
  /** 1-based place among the targets of its cell in run order (the bench rotates it per cell). */
  position?: number;
  /** CPU and peak RSS per process group during the cell. */
  resources?: Record<string, GroupUsage>;
  /** Requests the auth service served during the cell (excloud only). */
  authCalls?: number;
  /** Postgres transactions committed in the bench database during the cell (excloud only). */
  pgCommits?: number;
}

export interface ProfiledCell {
  cell: string;
  title: string;
  ops: number;
  seconds: number;
  services: Record<string, ProfileSummary | undefined>;
  /** CPU per request of every process group (from /proc), Postgres included. */
  cpuMsPerOp: Record<string, number>;
  pgCommitsPerOp?: number;
}

/** CPU per operation of one cell of an earlier run, per process group: the "before" column. */
export interface BaselineCell {
  cell: string;
  target: TargetName;
  cpuMsPerOp: Record<string, number>;
}

export interface Baseline {
  /** The RESULTS.json it was read from, relative to bench/ when inside it. */
  file: string;
  startedAt: string;
  command: string;
  commit: string;
  node: string;
  /** CPU model of the machine it ran on (absent in baselines saved before it was recorded). */
  cpu?: string;
  cells: BaselineCell[];
}

export interface RunRecord {
  startedAt: Date;
  finishedAt: Date;
  command: string;
  seconds: number;
  signedPayload: boolean;
  /** Rounds the cells of small objects ran in (absent in records from before rounds). */
  rounds?: number;
  machine: MachineInfo;
  versions: Versions;
  cells: CellRun[];
  /** VmHWM of each service process at the end of the run, MiB. */
  peakRssMib: Record<string, number>;
  authCacheTtlMs: number;
  notes: string[];
  profile?: ProfiledCell[];
  /** How our stacks ran, e.g. `production: compiled build on Node v24.22.3`; absent in older records. */
  topologies?: string[];
  /** Targets asked for that could not be measured, and why (e.g. RGW not installed). */
  missing?: Partial<Record<TargetName, string>>;
  baseline?: Baseline;
  /** Words of the person who ran it (`--note file.md`), rendered under the limits section. */
  note?: string;
}
