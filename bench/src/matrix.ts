import { KIB, MIB, humanSize, sizeLabel } from './payload';

export type OpKind = 'put' | 'get' | 'head' | 'delete' | 'list' | 'multipart' | 'mixed';

export interface CellDef {
  /** Stable id used by --only and in the report, e.g. `put-4k-c8`. */
  id: string;
  title: string;
  op: OpKind;
  size: number;
  concurrency: number;
  /** Whether nginx can run the same cell (LIST and multipart have no WebDAV equivalent). */
  nginx: boolean;
  /** The nginx cell this one is judged against, when it is not the same id. */
  compareTo?: string;
  /** Fraction of the per-cell window (64 MiB at c32 needs fewer seconds to be meaningful). */
  windowFactor?: number;
  /**
   * Rounds the window is split into, every target taking a turn per round (see runCellInRounds in cell-runner.ts).
   * Cells of large objects keep one: a 64 MiB request can outlast a slice, and their GETs read
   * objects prepared just before, which a long wait could see paged out.
   */
  rounds: number;
}

/** Rounds for the cells of small objects, whose requests last milliseconds. */
export const SMALL_CELL_ROUNDS = 3;

export const MULTIPART_PART_SIZE = 8 * MIB;
export const MULTIPART_PARALLEL = 4;
export const LIST_PAGE_KEYS = 100;
export const LIST_OBJECTS = 1000;

const SIZES = [4 * KIB, MIB, 64 * MIB];
const CONCURRENCIES = [1, 8, 32];

function cell(op: OpKind, size: number, concurrency: number, extra: Partial<CellDef> = {}): CellDef {
  const verb = { put: 'PUT', get: 'GET', head: 'HEAD', delete: 'DELETE', list: 'LIST', multipart: 'multipart PUT', mixed: 'mixed' }[op];
  const sized = op !== 'list' && op !== 'delete';
  return {
    id: sized ? `${op}-${sizeLabel(size)}-c${concurrency}` : `${op}-c${concurrency}`,
    title: sized ? `${verb} ${humanSize(size)} c${concurrency}` : `${verb} c${concurrency}`,
    op,
    size,
    concurrency,
    nginx: op !== 'list' && op !== 'multipart',
    rounds: size <= MIB && op !== 'multipart' && op !== 'mixed' ? SMALL_CELL_ROUNDS : 1,
    ...extra,
  };
}

/** The matrix, in run order: GET/HEAD/DELETE follow the PUTs that wrote their objects. */
export const MATRIX: CellDef[] = [
  ...SIZES.flatMap((size) => [
    ...CONCURRENCIES.map((c) => cell('put', size, c, size === 64 * MIB && c === 32 ? { windowFactor: 0.6 } : {})),
    ...CONCURRENCIES.map((c) => cell('get', size, c, size === 64 * MIB && c === 32 ? { windowFactor: 0.6 } : {})),
    ...(size === 4 * KIB ? [cell('head', size, 8), cell('delete', size, 8), cell('list', 0, 8)] : []),
  ]),
  cell('multipart', 64 * MIB, 4, { compareTo: 'put-64m-c8' }),
  cell('mixed', 10 * MIB, 20),
];

/** Ratios the issue asks for (ours / nginx, same run). */
export interface RatioTarget {
  cell: string;
  /** nginx cell to divide by (default: the same id). */
  against?: string;
  min: number;
  label: string;
}

export const RATIO_TARGETS: RatioTarget[] = [
  { cell: 'put-4k-c8', min: 0.15, label: 'PUT 4 KiB' },
  { cell: 'get-4k-c8', min: 0.15, label: 'GET 4 KiB' },
  { cell: 'head-4k-c8', min: 0.12, label: 'HEAD 4 KiB' },
  { cell: 'put-1m-c8', min: 0.6, label: 'PUT 1 MiB' },
  { cell: 'get-1m-c8', min: 0.35, label: 'GET 1 MiB' },
  { cell: 'put-64m-c8', min: 0.7, label: 'PUT 64 MiB' },
  { cell: 'get-64m-c8', min: 0.7, label: 'GET 64 MiB' },
  { cell: 'multipart-64m-c4', against: 'put-64m-c8', min: 0.5, label: 'multipart PUT 64 MiB (4 parts in parallel, c4) vs nginx PUT 64 MiB c8' },
];

export const LIST_TARGET_PAGES_PER_SEC = 500;
export const RSS_LIMIT_MIB = 300;

/**
 * `--only` patterns: comma-separated, `*` matches anything, a pattern without `*` matches as a
 * substring (`put-4k` selects all three PUT 4 KiB cells).
 */
export function selectCells(patterns: string[] | undefined, cells: CellDef[] = MATRIX): CellDef[] {
  if (!patterns || patterns.length === 0) return cells;
  const tests = patterns.map((p) => {
    if (!p.includes('*')) return (id: string) => id.includes(p);
    const re = new RegExp('^' + p.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$');
    return (id: string) => re.test(id);
  });
  return cells.filter((c) => tests.some((t) => t(c.id)));
}

export interface PlannedRun<T extends string> {
  def: CellDef;
  target: T;
  /** 1-based place of this target among the targets of its cell. */
  position: number;
}

/**
 * The order of runs: cell by cell, and within a cell the targets rotated by one from the cell
 * before. Measured on this machine, the target that runs first in a cell can be ~30 % slower on
 * GET 4 KiB c1 whichever target it is; a fixed order would charge that to the same target in
 * every cell.
 */
export function planRuns<T extends string>(cells: CellDef[], targets: T[], runsOn: (def: CellDef, target: T) => boolean): PlannedRun<T>[] {
  let next = 0;
  return cells.flatMap((def) => {
    const rotated = rotate(targets, next).filter((t) => runsOn(def, t));
    if (rotated.length > 0) next = (targets.indexOf(rotated[0]) + 1) % targets.length;
    return rotated.map((target, k) => ({ def, target, position: k + 1 }));
  });
}

/** The list starting at its `by`-th element (mod its length), wrapping around. */
export function rotate<T>(list: T[], by: number): T[] {
  if (list.length === 0) return [];
  const k = by % list.length;
  return [...list.slice(k), ...list.slice(0, k)];
}
