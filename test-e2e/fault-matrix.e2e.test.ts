import { DEFAULT_DATABASE_URL } from '@excloud/test-kit';
import { killCell, runCell, type CellResult, type Stack } from './faults/cell';
import { PrivateRedis } from './faults/infra';
import { redisCell } from './faults/matrix';
import { PACK_FAULT_BLOB_ENV, packGroupCommitCell } from './faults/pack-cells';
import { startStack, stopStack } from './faults/stacks';

/**
 * The CI slice of the fault matrix (`pnpm faults` runs all of it and writes test-e2e/FAULTS.md):
 * metadata killed mid-PUT under load (the blob is written, its commit is lost: the janitor must
 * reclaim it), Redis coming back empty (the janitor must re-register its schedules), and blob
 * killed mid group commit of packed small PUTs with a torn segment tail (the startup scan must cut
 * it). They run the same code as the full matrix; Postgres is the shared test database, Redis a
 * private one.
 */
describe('fault matrix (CI subset)', () => {
  let redis: PrivateRedis;
  let s: Stack;

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    // Small pack segments (as in the full matrix) change nothing for the other cells.
    s = await startStack({ postgresUrl: process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL, redisUrl: redis.url, env: { blob: PACK_FAULT_BLOB_ENV } });
  }, 120_000);

  afterAll(async () => {
    await stopStack(s);
    await redis?.stop();
  }, 60_000);

  const expectPass = (r: CellResult) => {
    // On failure the diff says what was lost, torn or left behind, and what else broke.
    expect({ lost: r.lost, half: r.half, leftovers: r.leftovers, missingBlobs: r.missingBlobs, problems: r.problems }).toEqual({
      lost: [],
      half: [],
      leftovers: [],
      missingBlobs: [],
      problems: [],
    });
    expect(r.pass).toBe(true);
    expect(r.keysChecked).toBeGreaterThan(0);
  };

  it('kill -9 metadata mid-PUT: no acknowledged write lost, no half object, orphans reclaimed', async () => {
    expectPass(await runCell(s, killCell('metadata', 'PUT'), () => undefined));
  }, 120_000);

  it('Redis restarted empty: the janitor reports not ready, then drains on its own schedule', async () => {
    expectPass(await runCell(s, redisCell(redis, 'redis-wiped', 3, true), () => undefined));
  }, 120_000);

  it('kill -9 blob mid group commit of small PUTs: acknowledged objects intact, torn pack tail cut at startup', async () => {
    expectPass(await runCell(s, packGroupCommitCell(), () => undefined));
  }, 120_000);
});
