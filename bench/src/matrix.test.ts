import { MATRIX, RATIO_TARGETS, selectCells } from './matrix';

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
