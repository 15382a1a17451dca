import { MATRIX, RATIO_TARGETS, SMALL_CELL_ROUNDS, planRuns, selectCells } from './matrix';

describe('the matrix', () => {
  it('has every cell the issue lists, once', () => {
    const ids = MATRIX.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const op of ['put', 'get']) for (const s of ['4k', '1m', '64m']) for (const c of [1, 8, 32]) expect(ids).toContain(`${op}-${s}-c${c}`);
    expect(ids).toEqual(expect.arrayContaining(['head-4k-c8', 'delete-c8', 'list-c8', 'multipart-64m-c4', 'mixed-10m-c20']));
    expect(ids).toHaveLength(23);
    for (const t of RATIO_TARGETS) expect(ids).toContain(t.cell);
  });

  it('runs GET after the PUT of the same size, and LIST/multipart only against us', () => {
    const ids = MATRIX.map((c) => c.id);
    expect(ids.indexOf('get-1m-c1')).toBeGreaterThan(ids.indexOf('put-1m-c32'));
    expect(MATRIX.find((c) => c.id === 'list-c8')!.nginx).toBe(false);
    expect(MATRIX.find((c) => c.id === 'multipart-64m-c4')!.compareTo).toBe('put-64m-c8');
  });
});

describe('rounds', () => {
  it('splits the cells of small objects into rounds and keeps one for 64 MiB, multipart and mixed', () => {
    const rounds = Object.fromEntries(MATRIX.map((c) => [c.id, c.rounds]));
    for (const id of ['put-4k-c1', 'get-4k-c8', 'head-4k-c8', 'delete-c8', 'list-c8', 'put-1m-c32', 'get-1m-c1']) expect(rounds[id]).toBe(SMALL_CELL_ROUNDS);
    for (const id of ['put-64m-c1', 'get-64m-c32', 'multipart-64m-c4', 'mixed-10m-c20']) expect(rounds[id]).toBe(1);
    expect(SMALL_CELL_ROUNDS).toBeGreaterThan(1);
  });
});

describe('selectCells', () => {
  it('matches substrings, globs and lists', () => {
    expect(selectCells(['put-4k']).map((c) => c.id)).toEqual(['put-4k-c1', 'put-4k-c8', 'put-4k-c32']);
    expect(selectCells(['*-c8']).map((c) => c.id)).toEqual(expect.arrayContaining(['put-4k-c8', 'get-64m-c8', 'list-c8', 'delete-c8']));
    expect(selectCells(['*-c8']).map((c) => c.id)).not.toContain('put-4k-c32');
    expect(selectCells(['list', 'mixed']).map((c) => c.id)).toEqual(['list-c8', 'mixed-10m-c20']);
    expect(selectCells(['nothing-like-this'])).toEqual([]);
    expect(selectCells(undefined)).toHaveLength(23);
  });
});

describe('planRuns', () => {
  const targets = ['excloud', 'local', 'rgw', 'nginx'];
  const plan = planRuns(MATRIX, targets, (def, t) => t !== 'nginx' || def.nginx);

  it('runs every target of a cell once, in cells of the matrix order', () => {
    expect(plan.map((p) => p.def.id).filter((id, i, a) => a.indexOf(id) === i)).toEqual(MATRIX.map((c) => c.id));
    for (const def of MATRIX) {
      const here = plan.filter((p) => p.def === def);
      expect(here.map((p) => p.target).sort()).toEqual((def.nginx ? targets : targets.filter((t) => t !== 'nginx')).sort());
      expect(here.map((p) => p.position)).toEqual(here.map((_, k) => k + 1));
    }
  });

  it('starts each cell with a different target than the cell before, so no target is always first', () => {
    const firsts = MATRIX.map((def) => plan.find((p) => p.def === def && p.position === 1)!.target);
    expect(firsts.slice(0, 4)).toEqual(['excloud', 'local', 'rgw', 'nginx']);
    for (let i = 1; i < firsts.length; i++) expect(firsts[i]).not.toBe(firsts[i - 1]);
    for (const t of targets) expect(firsts.filter((f) => f === t).length).toBeGreaterThanOrEqual(4);
  });

  it('keeps the order for a single target', () => {
    expect(planRuns(MATRIX.slice(0, 3), ['excloud'], () => true).map((p) => [p.def.id, p.position])).toEqual([
      ['put-4k-c1', 1],
      ['put-4k-c8', 1],
      ['put-4k-c32', 1],
    ]);
  });
});
