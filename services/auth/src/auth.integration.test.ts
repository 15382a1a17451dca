import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { AuthClient, fetchSystemToken } from '@excloud/internal-client';
import { S3Error } from '@excloud/s3-protocol';
import { AUTH_ROUTES } from '@excloud/contracts';
import { createLogger, createTokenVerifier, envReader, generateInternalCredentials, internalCredentialEnv, UnmigratedDatabaseError } from '@excloud/service-kit';
import { computeSignature, deriveSigningKey } from '@excloud/sigv4';
import { createTestDatabase, type TestDatabase } from '@excloud/test-kit';
import { parseAuthConfig, type AuthConfig } from './config';
import { startAuthService, type AuthService } from './service';
import { createAccessKey, createOrg, migrateAuth } from './store';
import { generateTokenKey } from './tokens';

const logger = createLogger({ service: 'auth-test' }, { level: 'error' });
const STS = 'AWS4-HMAC-SHA256\n20250101T000000Z\n20250101/auto/s3/aws4_request\nabc';

let db: TestDatabase;
let pool: Pool;
let config: AuthConfig;
let service: AuthService;
let client: AuthClient;
let base: string;
const adminToken = randomBytes(24).toString('hex');
const credentials = generateInternalCredentials();

beforeAll(async () => {
  db = await createTestDatabase();
  pool = new Pool({ connectionString: db.url });
  config = parseAuthConfig(
    envReader({
      DATABASE_URL: db.url,
      AUTH_SECRET_KEY: randomBytes(32).toString('base64'),
      AUTH_TOKEN_PRIVATE_JWK: await generateTokenKey(),
      AUTH_ADMIN_TOKEN: adminToken,
      ...internalCredentialEnv(credentials).auth,
      HOST: '127.0.0.1',
      PORT: '0',
    }),
  );
  await expect(startAuthService(config, { logger })).rejects.toBeInstanceOf(UnmigratedDatabaseError);
  await migrateAuth(pool);
  service = await startAuthService(config, { logger });
  base = `http://127.0.0.1:${service.port}`;
  client = new AuthClient(base, credentials.gatewaySecret);
});

afterAll(async () => {
  await service?.close();
  await pool?.end();
  await db?.drop();
});

function sign(secret: string, sts = STS) {
  return computeSignature(deriveSigningKey(secret, '20250101', 'auto', 's3'), sts);
}

async function newKey(orgId: string) {
  await createOrg(pool, { id: orgId, name: orgId }).catch(() => undefined);
  return createAccessKey(pool, config, orgId);
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'no error';
  } catch (err) {
    return err instanceof S3Error ? err.code : String(err);
  }
}

describe('verify', () => {
  it('accepts a correct signature and returns the signing key and an org-bound token', async () => {
    const key = await newKey('org-a');
    const result = await client.verify({ accessKeyId: key.accessKeyId, date: '20250101', region: 'auto', service: 's3', stringToSign: STS, signature: sign(key.secretAccessKey) });
    expect(result.orgId).toBe('org-a');
    expect(result.signingKey).toBe(deriveSigningKey(key.secretAccessKey, '20250101', 'auto', 's3').toString('hex'));
    const verifier = createTokenVerifier({ jwksUrl: `${base}/.well-known/jwks.json` });
    expect(await verifier.verify(result.token)).toBe('org-a');
    expect(result.tokenExpiresAt).toBeGreaterThan(Date.now() + 60_000);
  });

  it('answers SignatureDoesNotMatch for a wrong secret', async () => {
    const key = await newKey('org-a');
    const wrong = sign('x'.repeat(40));
    expect(await codeOf(client.verify({ accessKeyId: key.accessKeyId, date: '20250101', region: 'auto', service: 's3', stringToSign: STS, signature: wrong }))).toBe('SignatureDoesNotMatch');
  });

  it('answers InvalidAccessKeyId for unknown, disabled and deleted keys', async () => {
    const key = await newKey('org-a');
    const req = { accessKeyId: key.accessKeyId, date: '20250101', region: 'auto', service: 's3', stringToSign: STS, signature: sign(key.secretAccessKey) };
    expect(await codeOf(client.verify({ ...req, accessKeyId: 'AKAAAAAAAAAAAAAAAAAA' }))).toBe('InvalidAccessKeyId');
    const admin = (method: string, path: string, body?: unknown) =>
      fetch(`${base}/v1/admin${path}`, { method, headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });
    expect((await admin('PATCH', `/keys/${key.accessKeyId}`, { status: 'inactive' })).status).toBe(204);
    expect(await codeOf(client.verify(req))).toBe('InvalidAccessKeyId');
    expect((await admin('PATCH', `/keys/${key.accessKeyId}`, { status: 'active' })).status).toBe(204);
    expect(await codeOf(client.verify(req))).toBe('no error');
    expect((await admin('DELETE', `/keys/${key.accessKeyId}`)).status).toBe(204);
    expect(await codeOf(client.verify(req))).toBe('InvalidAccessKeyId');
  });

  it('stores secrets encrypted', async () => {
    const key = await newKey('org-a');
    const row = await pool.query('SELECT secret_ciphertext FROM access_keys WHERE access_key_id = $1', [key.accessKeyId]);
    expect(row.rows[0].secret_ciphertext).not.toContain(key.secretAccessKey);
  });
});

describe('orgs', () => {
  it('lets a token read only its own org', async () => {
    const a = await newKey('org-a');
    await newKey('org-b');
    const { token } = await client.verify({ accessKeyId: a.accessKeyId, date: '20250101', region: 'auto', service: 's3', stringToSign: STS, signature: sign(a.secretAccessKey) });
    const org = await client.getOrg('org-a', token);
    expect(org.canonicalId).toMatch(/^[0-9a-f]{64}$/);
    expect(await codeOf(client.getOrg('org-b', token))).toBe('AccessDenied');
    expect(await codeOf(client.getOrg('org-a', 'not-a-token'))).toBe('AccessDenied');
  });

  it('protects the admin API with the admin token', async () => {
    const anon = await fetch(`${base}/v1/admin/orgs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"id":"evil"}' });
    // The operator API (control/) answers 401 with a JSON error code for a missing or wrong token.
    expect(anon.status).toBe(401);
    expect(await anon.json()).toEqual({ error: { code: 'unauthorized', message: 'missing bearer token' } });
    const wrong = await fetch(`${base}/v1/admin/orgs`, { method: 'POST', headers: { authorization: 'Bearer nope', 'content-type': 'application/json' }, body: '{"id":"evil"}' });
    expect(wrong.status).toBe(401);
    const ok = await fetch(`${base}/v1/admin/orgs`, { method: 'POST', headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' }, body: '{"id":"new-org"}' });
    expect(ok.status).toBe(201);
    const bad = await fetch(`${base}/v1/admin/orgs`, { method: 'POST', headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' }, body: '{"id":"../x"}' });
    expect(bad.status).toBe(400);
  });
});

describe('service credentials', () => {
  /** A raw call to an auth route with the given bearer credential (or none). */
  const call = (path: string, credential: string | undefined, body: unknown) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(credential ? { authorization: `Bearer ${credential}` } : {}) },
      body: JSON.stringify(body),
    });

  it.each([
    ['no credential', () => undefined],
    ['a wrong credential', () => randomBytes(32).toString('base64url')],
    ['the janitor’s credential', () => credentials.janitorSecret],
    ['the admin token', () => adminToken],
    ['an org token', async () => (await newKey('org-a').then((k) => client.verify({ accessKeyId: k.accessKeyId, date: '20250101', region: 'auto', service: 's3', stringToSign: STS, signature: sign(k.secretAccessKey) }))).token],
  ])('verify and anonymous-token refuse %s', async (_name, credential) => {
    const key = await newKey('org-a');
    const verifyBody = { accessKeyId: key.accessKeyId, date: '20250101', region: 'auto', service: 's3', stringToSign: STS, signature: sign(key.secretAccessKey) };
    const given = await credential();
    const verify = await call(AUTH_ROUTES.verify, given, verifyBody);
    expect(verify.status).toBe(403);
    expect(await verify.text()).not.toContain('signingKey');
    expect((await call(AUTH_ROUTES.anonymousToken, given, { orgId: 'org-a' })).status).toBe(403);
  });

  it('only the janitor gets a system token', async () => {
    const { token } = await fetchSystemToken(base, credentials.janitorSecret);
    const verifier = createTokenVerifier({ jwksUrl: `${base}/.well-known/jwks.json` });
    await expect(verifier.verifySystem(token)).resolves.toBeUndefined();
    for (const credential of [credentials.gatewaySecret, randomBytes(32).toString('base64url'), adminToken]) {
      expect(await codeOf(fetchSystemToken(base, credential))).toBe('AccessDenied');
    }
    expect((await call(AUTH_ROUTES.systemToken, undefined, {})).status).toBe(403);
  });

  it('the gateway’s credential opens verify and anonymous-token', async () => {
    expect((await client.anonymousToken('org-a')).token).toEqual(expect.any(String));
    expect(await codeOf(client.anonymousToken('no-such-org'))).toBe('AccessDenied');
  });
});

describe('config', () => {
  it('names the variable of a bad value', () => {
    expect(() => parseAuthConfig(envReader({ DATABASE_URL: 'postgres://x/y', AUTH_SECRET_KEY: 'short', AUTH_TOKEN_PRIVATE_JWK: '{}' }))).toThrow(/AUTH_SECRET_KEY/);
    expect(() => parseAuthConfig(envReader({ DATABASE_URL: 'postgres://x/y', AUTH_SECRET_KEY: randomBytes(32).toString('base64'), AUTH_TOKEN_PRIVATE_JWK: 'nope' }))).toThrow(/AUTH_TOKEN_PRIVATE_JWK/);
  });
});

describe('system tokens', () => {
  it('never pass as an org token, nor an org token as a system token', async () => {
    const { token } = await fetchSystemToken(base, credentials.janitorSecret);
    const verifier = createTokenVerifier({ jwksUrl: `${base}/.well-known/jwks.json` });
    await expect(verifier.verifySystem(token)).resolves.toBeUndefined();
    await expect(verifier.verify(token)).rejects.toThrow();
    const a = await newKey('org-a');
    const org = await client.verify({ accessKeyId: a.accessKeyId, date: '20250101', region: 'auto', service: 's3', stringToSign: STS, signature: sign(a.secretAccessKey) });
    await expect(verifier.verifySystem(org.token)).rejects.toThrow();
  });
});
