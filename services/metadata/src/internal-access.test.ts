import { generateKeyPair, SignJWT } from 'jose';
import { INTERNAL_TOKEN_AUDIENCE, INTERNAL_TOKEN_ISSUER } from '@excloud/contracts';
import { MetadataSystemClient } from '@excloud/internal-client';
import { S3Error } from '@excloud/s3-protocol';
import { SYSTEM_SUBJECT } from '@excloud/service-kit';
import { commitFor, startTestMetadata, type TestMetadata } from './test-support';

/**
 * Every class of metadata route — Express org routes, the hot commit and read routes, the janitor's
 * system routes — against no, malformed, forged, expired and other-service credentials.
 */
let t: TestMetadata;
let system: MetadataSystemClient;
const ORG = 'org-access';
const BUCKET = 'guarded';

beforeAll(async () => {
  t = await startTestMetadata();
  system = new MetadataSystemClient(t.baseUrl);
  const token = await t.tokenFor(ORG);
  await t.client.createBucket(token, BUCKET, {});
  await t.client.putObject(token, BUCKET, commitFor('k'));
});
afterAll(() => t.close());

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'no error';
  } catch (err) {
    return err instanceof S3Error ? err.code : String(err);
  }
}

const orgRoutes = {
  'list buckets (express)': (token: string) => t.client.listBuckets(token),
  'commit a version (hot path)': (token: string) => t.client.putObject(token, BUCKET, commitFor('k2')),
  'read a version (hot path)': (token: string) => t.client.getObject(token, BUCKET, 'k', undefined),
};

async function forged(): Promise<string> {
  const { privateKey } = await generateKeyPair('ES256');
  return new SignJWT({}).setProtectedHeader({ alg: 'ES256' }).setSubject(ORG).setAudience(INTERNAL_TOKEN_AUDIENCE).setIssuer(INTERNAL_TOKEN_ISSUER).setExpirationTime('5m').sign(privateKey);
}

const badCredentials: Array<[string, () => Promise<string>]> = [
  ['no token', async () => ''],
  ['a malformed token', async () => 'not-a-jwt'],
  ['a token signed by another key', forged],
  ['an expired token', () => t.signToken(ORG, {}, Math.floor(Date.now() / 1000) - 60)],
  ['the janitor’s system token', () => t.systemToken()],
];

describe.each(Object.entries(orgRoutes))('%s', (_route, call) => {
  it.each(badCredentials)('refuses %s', async (_name, credential) => {
    expect(await codeOf(call(await credential()))).toBe('AccessDenied');
  });

  it('serves the org’s own token', async () => {
    expect(await codeOf(call(await t.tokenFor(ORG)))).toBe('no error');
  });
});

describe('writes', () => {
  it('refuse an anonymous token on the hot commit path', async () => {
    const anonymous = await t.signToken(ORG, { scope: 'anonymous' }, '5m');
    expect(await codeOf(orgRoutes['commit a version (hot path)'](anonymous))).toBe('AccessDenied');
  });

  it('of one org never reach another org’s bucket', async () => {
    expect(await codeOf(t.client.putObject(await t.tokenFor('org-other'), BUCKET, commitFor('k3')))).toBe('NoSuchBucket');
  });
});

describe('system routes', () => {
  it.each([
    ['no token', async () => ''],
    ['an org token', () => t.tokenFor(ORG)],
    ['an anonymous token', () => t.signToken(ORG, { scope: 'anonymous' }, '5m')],
    ['an expired system token', () => t.signToken(SYSTEM_SUBJECT, { scope: 'system' }, Math.floor(Date.now() / 1000) - 60)],
    ['a system subject without the system scope', () => t.signToken(SYSTEM_SUBJECT, {}, '5m')],
  ])('refuse %s', async (_name, credential) => {
    expect(await codeOf(system.stats(await credential()))).toBe('AccessDenied');
  });

  it('serve the system token', async () => {
    expect(await codeOf(system.stats(await t.systemToken()))).toBe('no error');
  });
});
