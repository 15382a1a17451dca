import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { AuthClient } from '@excloud/internal-client';
import { S3Error } from '@excloud/s3-protocol';
import { createLogger, envReader, generateInternalCredentials, internalCredentialEnv } from '@excloud/service-kit';
import { computeSignature, deriveSigningKey } from '@excloud/sigv4';
import { createTestDatabase, type TestDatabase } from '@excloud/test-kit';
import { parseAuthConfig, type AuthConfig } from './config';
import { startAuthService, type AuthService } from './service';
import { createAccessKey, createOrg, deleteAccessKey, migrateAuth, setAccessKeyStatus, setOrgStatus } from './store';
import { generateTokenKey } from './tokens';

const logger = createLogger({ service: 'auth-test' }, { level: 'error' });
const STS = 'AWS4-HMAC-SHA256\n20250101T000000Z\n20250101/auto/s3/aws4_request\nabc';

let db: TestDatabase;
let pool: Pool;
let config: AuthConfig;
let service: AuthService;
let base: string;
const credentials = generateInternalCredentials();

beforeAll(async () => {
  db = await createTestDatabase();
  pool = new Pool({ connectionString: db.url });
  pool.on('error', () => undefined);
  await migrateAuth(pool);
  config = parseAuthConfig(
    envReader({ ...internalCredentialEnv(credentials).auth, DATABASE_URL: db.url, AUTH_SECRET_KEY: randomBytes(32).toString('base64'), AUTH_TOKEN_PRIVATE_JWK: await generateTokenKey(), HOST: '127.0.0.1', PORT: '0' }),
  );
  service = await startAuthService(config, { logger });
  base = `http://127.0.0.1:${service.port}`;
});

// Closing waits a few seconds for a client connection that never sent a request to time out.
afterAll(async () => {
  await service?.close();
  await pool?.end();
  await db?.drop();
}, 15_000);

/** A subscriber to the feed, as a gateway is: every event block in arrival order. */
async function subscribe() {
  const controller = new AbortController();
  const res = await fetch(`${base}/v1/revocations`, { signal: controller.signal, headers: { authorization: `Bearer ${credentials.gatewaySecret}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/event-stream');
  const events: string[] = [];
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  void (async () => {
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) return;
      buffered += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffered.indexOf('\n\n')) !== -1) {
        events.push(buffered.slice(0, end));
        buffered = buffered.slice(end + 2);
      }
    }
  })();
  const next = async (ms = 2000): Promise<string> => {
    const deadline = Date.now() + ms;
    while (events.length === 0) {
      if (Date.now() > deadline) throw new Error('no event within the deadline');
      await new Promise((r) => setTimeout(r, 10));
    }
    return events.shift()!;
  };
  return { next, events, close: () => controller.abort() };
}

function verifyWith(key: { accessKeyId: string; secretAccessKey: string }) {
  const signature = computeSignature(deriveSigningKey(key.secretAccessKey, '20250101', 'auto', 's3'), STS);
  return new AuthClient(base, credentials.gatewaySecret).verify({ accessKeyId: key.accessKeyId, date: '20250101', region: 'auto', service: 's3', stringToSign: STS, signature });
}

const codeOf = (p: Promise<unknown>) => p.then(() => 'ok', (e: unknown) => (e instanceof S3Error ? e.code : String(e)));

describe('revocation feed', () => {
  it('is open only to the gateway', async () => {
    expect((await fetch(`${base}/v1/revocations`)).status).toBe(403);
    const janitor = await fetch(`${base}/v1/revocations`, { headers: { authorization: `Bearer ${credentials.janitorSecret}` } });
    expect(janitor.status).toBe(403);
  });

  it('opens with ready, then pushes every disable, delete and suspension, whoever makes it', async () => {
    const feed = await subscribe();
    try {
      expect(await feed.next()).toBe('event: ready\ndata: {}');
      await createOrg(pool, { id: 'feed-org' });
      const a = await createAccessKey(pool, config, 'feed-org');
      const b = await createAccessKey(pool, config, 'feed-org');

      await setAccessKeyStatus(pool, a.accessKeyId, 'inactive');
      expect(await feed.next()).toBe(`data: {"accessKeyId" : "${a.accessKeyId}"}`);
      await setAccessKeyStatus(pool, a.accessKeyId, 'active'); // re-enabling pushes nothing
      await deleteAccessKey(pool, a.accessKeyId);
      expect(await feed.next()).toBe(`data: {"accessKeyId" : "${a.accessKeyId}"}`);
      // A change made with plain SQL is pushed too (the trigger, not the code path, notifies).
      await pool.query(`UPDATE access_keys SET status = 'inactive' WHERE access_key_id = $1`, [b.accessKeyId]);
      expect(await feed.next()).toBe(`data: {"accessKeyId" : "${b.accessKeyId}"}`);
      // A rolled-back change is not.
      const client = await pool.connect();
      await client.query('BEGIN');
      await client.query('DELETE FROM access_keys WHERE access_key_id = $1', [b.accessKeyId]);
      await client.query('ROLLBACK');
      client.release();
      expect(await setOrgStatus(pool, 'feed-org', 'suspended')).toBe(true);
      expect(await feed.next()).toBe('data: {"orgId" : "feed-org"}');
      expect(feed.events).toEqual([]);
    } finally {
      feed.close();
    }
  });

  it('a suspended org: its keys verify as AccountProblem (only with the right secret), no anonymous token', async () => {
    await createOrg(pool, { id: 'suspended-org' });
    const key = await createAccessKey(pool, config, 'suspended-org');
    expect(await codeOf(verifyWith(key))).toBe('ok');
    await setOrgStatus(pool, 'suspended-org', 'suspended');
    expect(await codeOf(verifyWith(key))).toBe('AccountProblem');
    expect(await codeOf(verifyWith({ ...key, secretAccessKey: 'x'.repeat(40) }))).toBe('SignatureDoesNotMatch');
    expect(await codeOf(new AuthClient(base, credentials.gatewaySecret).anonymousToken('suspended-org'))).toBe('AccessDenied');
    expect(await setOrgStatus(pool, 'suspended-org', 'active')).toBe(true);
    expect(await codeOf(verifyWith(key))).toBe('ok');
    expect(await setOrgStatus(pool, 'no-such-org', 'suspended')).toBe(false);
  });
});
