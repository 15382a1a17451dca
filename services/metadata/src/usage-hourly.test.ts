import { commitFor, startTestMetadata, type TestMetadata } from './test-support';
import { getUsageHourly, parseRequestUsage, rollupStorage } from './usage-hourly';
import { setOrgQuota } from './usage-store';

let t: TestMetadata;
const HOUR = 3_600_000;

beforeAll(async () => {
  t = await startTestMetadata();
});

afterAll(async () => {
  await t?.close();
});

async function dbHour(): Promise<number> {
  const r = await t.pool.query<{ h: Date }>("SELECT date_trunc('hour', clock_timestamp(), 'UTC') AS h");
  return r.rows[0]!.h.getTime();
}

/** Puts one of the org's counter stripes in a known past state: `bytes` stored since `since`, never rolled up. */
async function storedSince(org: string, bytes: number, since: Date) {
  await t.pool.query(
    `INSERT INTO org_usage (org_id, stripe, bytes, changed_at, rolled_at) VALUES ($1, 0, $2, $3, $3)
     ON CONFLICT (org_id, stripe) DO UPDATE SET bytes = $2, byte_seconds = 0, hour_start_byte_seconds = 0, rolled_byte_seconds = 0, changed_at = $3, rolled_at = $3`,
    [org, bytes, since],
  );
}

async function rollAll() {
  let after: string | undefined;
  do after = (await rollupStorage(t.pool, { afterOrgId: after, limit: 2 })).nextAfter ?? undefined;
  while (after);
}

async function totals(org: string) {
  const rows = await getUsageHourly(t.pool, org, new Date(0), new Date(Date.now() + HOUR));
  const u = await t.pool.query<{ rolled: string }>('SELECT round(sum(rolled_byte_seconds))::text AS rolled FROM org_usage WHERE org_id = $1', [org]);
  return { rows, sum: rows.reduce((n, r) => n + Number(r.byteSeconds), 0), rolled: Number(u.rows[0]!.rolled) };
}

describe('storage rollup (time-weighted bytes)', () => {
  it('splits the integral exactly at the hour boundary and conserves it across runs and changes', async () => {
    const org = 'rollup-exact';
    const h = await dbHour();
    await storedSince(org, 1000, new Date(h - 1800_000)); // 1000 bytes for the last 30 min of the previous hour
    await rollAll();
    let s = await totals(org);
    expect(s.rows[0]).toMatchObject({ hour: new Date(h - HOUR).toISOString(), byteSeconds: String(1000 * 1800), averageBytes: 500 });
    expect(s.rows[1]).toMatchObject({ hour: new Date(h).toISOString(), bytesStored: 1000 });

    // A commit changes the bytes (in its backend's stripe); the next rollup adds only what accrued since the last one.
    const token = await t.tokenFor(org);
    await t.client.createBucket(token, 'b', {});
    await t.client.putObject(token, 'b', commitFor('k', { size: 500 }));
    await rollAll();
    s = await totals(org);
    expect(s.rows).toHaveLength(2);
    expect(s.rows[1]).toMatchObject({ bytesStored: 1500 });
    expect(Math.abs(s.sum - s.rolled)).toBeLessThanOrEqual(2); // rounding of each row only
    expect(Number(s.rows[0]!.byteSeconds)).toBe(1000 * 1800); // a closed hour does not move
  });

  it('spreads a gap of several hours in proportion to time, losing nothing', async () => {
    const org = 'rollup-gap';
    const h = await dbHour();
    await storedSince(org, 3600, new Date(h - 3 * HOUR));
    await rollAll();
    const s = await totals(org);
    expect(s.rows.slice(0, 3).map((r) => Number(r.byteSeconds))).toEqual([3600 * 3600, 3600 * 3600, 3600 * 3600]);
    expect(Math.abs(s.sum - s.rolled)).toBeLessThanOrEqual(4);
  });

  it('takes the integral at the hour start from the commit that crossed it', async () => {
    const org = 'rollup-crossing';
    const h = await dbHour();
    await storedSince(org, 2000, new Date(h - 600_000)); // 2000 bytes for the last 10 min of the previous hour
    const token = await t.tokenFor(org);
    // An org with a quota commits into stripe 0, the one seeded above.
    await setOrgQuota(t.pool, org, {});
    await t.client.createBucket(token, 'b', {}); // a change in this hour records the integral at its start
    await t.pool.query('UPDATE org_usage SET bytes = 0 WHERE org_id = $1', [org]); // later bytes must not leak into the closed hour
    await rollAll();
    const s = await totals(org);
    expect(Number(s.rows[0]!.byteSeconds)).toBe(2000 * 600);
  });
});

describe('request usage from gateways', () => {
  it('adds batched counters per hour through the internal route', async () => {
    const org = 'requests';
    const token = await t.tokenFor(org);
    const hour = new Date((await dbHour()) - HOUR).toISOString();
    const report = { $version: 1, hours: [{ hour, classA: 2, classB: 5, ingressBytes: 100, egressBytes: 900 }] };
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${t.baseUrl}/v1/usage`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(report) });
      expect(res.status).toBe(204);
    }
    const [row] = await getUsageHourly(t.pool, org, new Date(hour), new Date(Date.parse(hour) + HOUR));
    expect(row).toMatchObject({ hour, classA: 4, classB: 10, ingressBytes: 200, egressBytes: 1800 });
    const unsigned = await fetch(`${t.baseUrl}/v1/usage`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(report) });
    expect(unsigned.status).toBe(403);
  });

  it('refuses malformed reports', () => {
    const now = Date.UTC(2026, 0, 1, 12, 30);
    const ok = { hour: '2026-01-01T12:00:00.000Z', classA: 1, classB: 0, ingressBytes: 0, egressBytes: 0 };
    expect(parseRequestUsage({ $version: 1, hours: [ok] }, now)).toEqual([ok]);
    for (const bad of [
      { $version: 2, hours: [ok] },
      { $version: 1, hours: [] },
      { $version: 1, hours: [{ ...ok, hour: '2026-01-01T12:30:00.000Z' }] }, // not an hour start
      { $version: 1, hours: [{ ...ok, hour: '2026-01-01T13:00:00.000Z' }] }, // future
      { $version: 1, hours: [{ ...ok, hour: '2025-12-30T12:00:00.000Z' }] }, // older than a day
      { $version: 1, hours: [{ ...ok, classA: -1 }] },
      { $version: 1, hours: [{ ...ok, egressBytes: 1.5 }] },
    ]) {
      expect(() => parseRequestUsage(bad, now)).toThrow();
    }
  });
});
