import { ListBucketsCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { Pool } from 'pg';
import { setOrgStatus } from '@excloud/auth';
import { Topology } from './support/topology';

/**
 * Revocation is pushed to every gateway replica: with a verification cache TTL of ten minutes,
 * a deleted or disabled key and a suspended org are still refused by both gateways within 2 s.
 */
describe('revocation reaches every gateway within 2 s', () => {
  let t: Topology;
  let endpoints: string[];
  let pool: Pool;

  beforeAll(async () => {
    t = await Topology.start({ gateway: { GATEWAY_AUTH_CACHE_TTL_MS: '600000' } });
    endpoints = [t.endpoint, await t.startExtraGateway()];
    pool = new Pool({ connectionString: t.db.url });
    pool.on('error', () => undefined);
  }, 90_000);

  afterAll(async () => {
    await pool?.end();
    await t?.stop();
  });

  const admin = async (method: string, path: string) => {
    const res = await fetch(`http://127.0.0.1:${t.ports.auth}/v1/admin${path}`, { method, headers: { authorization: `Bearer ${t.adminToken}` } });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status}`);
    return res.status === 204 ? undefined : res.json();
  };
  const newKey = async () => (await admin('POST', '/orgs/fault-org/keys')) as { accessKeyId: string; secretAccessKey: string };
  const clients = (key: { accessKeyId: string; secretAccessKey: string }) =>
    endpoints.map((endpoint) => new S3Client({ region: 'auto', endpoint, forcePathStyle: true, credentials: key, maxAttempts: 1 }));
  const outcome = (c: S3Client) => c.send(new ListBucketsCommand({})).then(() => 'ok', (e: unknown) => (e instanceof S3ServiceException ? e.name : String(e)));

  /** Milliseconds until every client gets `code`; fails past the deadline. */
  async function refusedWithin(cs: S3Client[], code: string, ms: number): Promise<number> {
    const started = Date.now();
    const pending = new Set(cs);
    while (pending.size > 0) {
      for (const c of [...pending]) if ((await outcome(c)) === code) pending.delete(c);
      if (Date.now() - started > ms) throw new Error(`${pending.size} gateway(s) still accept the key after ${ms} ms`);
    }
    return Date.now() - started;
  }

  it('a deleted key', async () => {
    const cs = clients(await newKey());
    for (const c of cs) expect(await outcome(c)).toBe('ok'); // cached on both replicas now
    const key = (await cs[0]!.config.credentials()).accessKeyId;
    await admin('DELETE', `/keys/${key}`);
    expect(await refusedWithin(cs, 'InvalidAccessKeyId', 2000)).toBeLessThan(2000);
  });

  it('a disabled key, and again after auth restarts (the gateways resubscribe)', async () => {
    const cs = clients(await newKey());
    for (const c of cs) expect(await outcome(c)).toBe('ok');
    const key = (await cs[0]!.config.credentials()).accessKeyId;
    await fetch(`http://127.0.0.1:${t.ports.auth}/v1/admin/keys/${key}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${t.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'inactive' }),
    });
    expect(await refusedWithin(cs, 'InvalidAccessKeyId', 2000)).toBeLessThan(2000);

    await t.kill('auth');
    await t.startService('auth');
    const again = clients(await newKey());
    // Wait until both feeds are back (the first request after a reconnect is verified afresh).
    for (const c of again) expect(await outcome(c)).toBe('ok');
    await new Promise((r) => setTimeout(r, 1500)); // the gateways retry the feed every second
    for (const c of again) expect(await outcome(c)).toBe('ok');
    await admin('DELETE', `/keys/${(await again[0]!.config.credentials()).accessKeyId}`);
    expect(await refusedWithin(again, 'InvalidAccessKeyId', 2000)).toBeLessThan(2000);
  }, 60_000);

  it('a suspended org, for every one of its keys', async () => {
    const cs = [...clients(await newKey()), ...clients(await newKey())];
    for (const c of cs) expect(await outcome(c)).toBe('ok');
    expect(await setOrgStatus(pool, 'fault-org', 'suspended')).toBe(true);
    expect(await refusedWithin(cs, 'AccountProblem', 2000)).toBeLessThan(2000);
    await setOrgStatus(pool, 'fault-org', 'active');
    for (const c of cs) expect(await outcome(c)).toBe('ok');
  });
});
