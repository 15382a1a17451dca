import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Pool } from 'pg';
import { createTestDatabase, type TestDatabase } from '@excloud/test-kit';
import { UnmigratedDatabaseError, assertMigrated, runMigrations } from './migrations';

describe('migrations', () => {
  let db: TestDatabase;
  let pool: Pool;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'migrations-'));

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = new Pool({ connectionString: db.url });
    pool.on('error', () => undefined);
  });

  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  it('applies versioned files once, in order, and reports an unmigrated schema', async () => {
    writeFileSync(path.join(dir, '001_first.sql'), 'CREATE TABLE t (a int);');
    await expect(assertMigrated(pool, { service: 'svc', dir })).rejects.toBeInstanceOf(UnmigratedDatabaseError);
    expect(await runMigrations(pool, { service: 'svc', dir })).toEqual(['svc/001_first.sql']);
    await assertMigrated(pool, { service: 'svc', dir });
    writeFileSync(path.join(dir, '002_second.sql'), 'ALTER TABLE t ADD COLUMN b int;');
    await expect(assertMigrated(pool, { service: 'svc', dir })).rejects.toThrow(/version 1, this build needs 2/);
    expect(await runMigrations(pool, { service: 'svc', dir })).toEqual(['svc/002_second.sql']);
    expect(await runMigrations(pool, { service: 'svc', dir })).toEqual([]);
  });

  it('rolls back a failing migration entirely', async () => {
    writeFileSync(path.join(dir, '003_broken.sql'), 'CREATE TABLE u (a int); SELECT no_such_function();');
    await expect(runMigrations(pool, { service: 'svc', dir })).rejects.toThrow(/003_broken.sql failed/);
    const u = await pool.query("SELECT to_regclass('u') AS r");
    expect(u.rows[0].r).toBeNull();
  });
});
