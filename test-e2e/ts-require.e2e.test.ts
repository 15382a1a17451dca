import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * scripts/ts-require.cjs, how local mode's service processes load the checkout's TypeScript:
 * transpiled by TypeScript with the repository's options, cached by content, with .ts lines in
 * stack traces.
 */
const HOOK = path.resolve(__dirname, '../scripts/ts-require.cjs');
let dir: string;
let cache: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ts-require-'));
  cache = path.join(dir, 'cache');
  writeFileSync(path.join(dir, 'twice.ts'), 'export function twice(n: number): number {\n  return n * 2;\n}\n');
  writeFileSync(
    path.join(dir, 'main.ts'),
    [
      "import { twice } from './twice';",
      'class Counter {',
      '  #count: number = 1;',
      '  get count(): number { return this.#count; }',
      '}',
      "const typescriptLoaded = Object.keys(require.cache).some((f) => f.includes('/typescript/lib/'));",
      'console.log(JSON.stringify({ value: twice(21), count: new Counter().count, typescriptLoaded }));',
    ].join('\n'),
  );
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** node with `args`, its hook cache in this test's directory. */
function node(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, args, { env: { ...process.env, EXCLOUD_TS_CACHE_DIR: cache }, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const run = (file: string) => node('--require', HOOK, '--enable-source-maps', path.join(dir, file));

const output = (file = 'main.ts') => {
  const r = run(file);
  expect(r).toMatchObject({ status: 0, stderr: '' });
  return JSON.parse(r.stdout) as { value: number; count: number; typescriptLoaded: boolean };
};

test('runs TypeScript with extensionless imports; the second start reads the cache without loading TypeScript', () => {
  expect(output()).toEqual({ value: 42, count: 1, typescriptLoaded: true });
  expect(readdirSync(cache).filter((f) => f.endsWith('.js'))).toHaveLength(2);
  expect(output()).toEqual({ value: 42, count: 1, typescriptLoaded: false });
});

test('an edited file is transpiled again', () => {
  expect(output().value).toBe(42);
  writeFileSync(path.join(dir, 'twice.ts'), 'export function twice(n: number): number {\n  return n * 3;\n}\n');
  expect(output()).toEqual({ value: 63, count: 1, typescriptLoaded: true });
  expect(readdirSync(cache).filter((f) => f.endsWith('.js'))).toHaveLength(3);
});

test('stack traces name the .ts line, from a cached file too', () => {
  writeFileSync(path.join(dir, 'fails.ts'), "const n: number = 1;\n\nif (n > 0) {\n  throw new Error('boom');\n}\n");
  for (let i = 0; i < 2; i++) {
    const r = run('fails.ts');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('boom');
    expect(r.stderr).toContain(`${path.join(dir, 'fails.ts')}:4`);
  }
});

test('run by itself it transpiles the whole checkout, after which a service module loads without TypeScript', () => {
  const root = path.resolve(__dirname, '..');
  expect(node(HOOK)).toMatchObject({ status: 0, stderr: '' });
  // Every runtime source of the checkout, at least the gateway's entry point and what it imports.
  expect(readdirSync(cache).filter((f) => f.endsWith('.js')).length).toBeGreaterThan(100);
  const load = node(
    '--require',
    HOOK,
    '-e',
    `require(${JSON.stringify(path.join(root, 'services/gateway/src/index.ts'))}); console.log(Object.keys(require.cache).some((f) => f.includes('/typescript/lib/')))`,
  );
  expect(load).toMatchObject({ status: 0, stdout: 'false\n' });
});

test('the warm-up drops entries no current source names and abandoned writes, keeping a fresh write', () => {
  mkdirSync(cache, { recursive: true });
  const stale = `${'0'.repeat(64)}.js`;
  const abandoned = `${'1'.repeat(64)}.js.123.tmp`;
  const inFlight = `${'2'.repeat(64)}.js.456.tmp`;
  for (const name of [stale, abandoned, inFlight]) writeFileSync(path.join(cache, name), '');
  const anHourAgo = new Date(Date.now() - 60 * 60 * 1000);
  utimesSync(path.join(cache, abandoned), anHourAgo, anHourAgo);

  expect(node(HOOK)).toMatchObject({ status: 0, stderr: '' });
  const names = readdirSync(cache);
  expect(names).not.toContain(stale);
  expect(names).not.toContain(abandoned);
  expect(names).toContain(inFlight);
  const entries = names.filter((f) => f.endsWith('.js'));
  expect(entries.length).toBeGreaterThan(100);

  // A second warm-up of an unchanged checkout keeps every entry.
  expect(node(HOOK)).toMatchObject({ status: 0, stderr: '' });
  expect(readdirSync(cache).filter((f) => f.endsWith('.js')).sort()).toEqual(entries.sort());
});
