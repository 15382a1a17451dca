import { randomBytes } from 'node:crypto';
import { generateKeyPair, SignJWT } from 'jose';
import { MemoryBackend } from '@excloud/blob-backend';
import { BLOB_ROUTES, INTERNAL_HEADERS, INTERNAL_TOKEN_AUDIENCE, INTERNAL_TOKEN_ISSUER, type ManifestPart, type OrgId } from '@excloud/contracts';
import { InternalClient } from '@excloud/internal-client';
import { mintCapability, parseCapabilityKeys } from '@excloud/service-kit';
import { chunked, collectIds, readBody, startTestBlobService, type TestBlobService } from './test-support';

let svc: TestBlobService;
let backend: MemoryBackend;
let acme: OrgId;
let globex: OrgId;
let acmePart: ManifestPart;

beforeAll(async () => {
  backend = new MemoryBackend();
  svc = await startTestBlobService(backend);
  acme = svc.org('acme');
  globex = svc.org('globex');
  const put = await svc.client.put(acme, chunked(randomBytes(100)), {});
  acmePart = { blobId: put.blobId, size: put.size, encryption: put.encryption };
});
afterAll(() => svc.close());

/** A GET of acme's blob with whatever capability header the test supplies. */
function getWith(capability: string | undefined) {
  const headers: Record<string, string> = {
    [INTERNAL_HEADERS.key]: Buffer.from(JSON.stringify(acmePart.encryption)).toString('base64url'),
    [INTERNAL_HEADERS.size]: String(acmePart.size),
  };
  if (capability !== undefined) headers[INTERNAL_HEADERS.capability] = capability;
  return new InternalClient(svc.url).raw({ method: 'GET', path: BLOB_ROUTES.blob(acmePart.blobId), headers });
}

const mint = (over: Partial<{ orgId: OrgId; op: 'get' | 'put' | 'delete'; blobId: string }> = {}, now?: number) =>
  mintCapability(svc.config.capabilityKeys, { orgId: acme, op: 'get', blobId: acmePart.blobId, ...over }, now);

describe('tenant isolation', () => {
  it('another org cannot read or delete a blob', async () => {
    await expect(svc.client.get(globex, acmePart, undefined)).rejects.toMatchObject({ code: 'AccessDenied', status: 403 });
    await expect(svc.client.delete(globex, acmePart.blobId)).rejects.toMatchObject({ code: 'AccessDenied' });
    expect(await collectIds(backend.list({}))).toContain(acmePart.blobId);
    expect((await readBody(await svc.client.get(acme, acmePart, undefined))).length).toBe(100);
  });

  it('an org whose name prefixes another’s is still a different org', async () => {
    await expect(svc.client.get(svc.org('acm'), acmePart, undefined)).rejects.toMatchObject({ code: 'AccessDenied' });
  });

  it('blobs are written under the caller’s org', async () => {
    const put = await svc.client.put(globex, chunked(Buffer.from('hi')), {});
    expect(put.blobId.startsWith('globex/')).toBe(true);
  });
});

describe('blob capabilities', () => {
  it('a fresh capability for this blob and operation opens it', async () => {
    expect((await readBody(await getWith(mint()))).length).toBe(100);
  });

  it.each([
    ['no capability', () => undefined],
    ['an org token instead of a capability', () => 'Bearer eyJhbGciOiJFUzI1NiJ9.e30.sig'],
    ['a capability signed with another key', () => mintCapability(parseCapabilityKeys(`c1:${randomBytes(32).toString('base64')}`), { orgId: acme, op: 'get', blobId: acmePart.blobId })],
    ['an expired capability', () => mint({}, Date.now() - 120_000)],
    ['a capability for another operation', () => mint({ op: 'delete' })],
    ['a capability for another blob', () => mint({ blobId: `${acmePart.blobId.slice(0, -1)}Z` })],
    ['a capability naming another org', () => mint({ orgId: globex })],
    ['a tampered capability', () => mint().replace(/\.[^.]+$/, '.AAAA')],
  ])('%s is AccessDenied', async (_name, capability) => {
    await expect(getWith(capability())).rejects.toMatchObject({ code: 'AccessDenied', status: 403 });
  });

  it('an org-wide internal token opens nothing', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const orgToken = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES256' })
      .setSubject('acme')
      .setAudience(INTERNAL_TOKEN_AUDIENCE)
      .setIssuer(INTERNAL_TOKEN_ISSUER)
      .setExpirationTime('5m')
      .sign(privateKey);
    const http = new InternalClient(svc.url);
    await expect(http.raw({ method: 'GET', path: BLOB_ROUTES.blob(acmePart.blobId), token: orgToken })).rejects.toMatchObject({ code: 'AccessDenied' });
    await expect(http.raw({ method: 'DELETE', path: BLOB_ROUTES.blob(acmePart.blobId), token: orgToken })).rejects.toMatchObject({ code: 'AccessDenied' });
    expect(await collectIds(backend.list({}))).toContain(acmePart.blobId);
  });

  it('system routes refuse capabilities and org tokens, and take the janitor’s system token', async () => {
    const http = new InternalClient(svc.url);
    await expect(http.raw({ method: 'GET', path: BLOB_ROUTES.systemList, headers: { [INTERNAL_HEADERS.capability]: mint() } })).rejects.toMatchObject({ code: 'AccessDenied' });
    const listed = await svc.client.systemList(await svc.systemToken(), {});
    expect(listed.blobs.map((b) => b.id)).toContain(acmePart.blobId);
  });
});

describe('system listing', () => {
  it('pages in id order with next', async () => {
    const pager = new MemoryBackend();
    const own = await startTestBlobService(pager);
    try {
      const org = own.org('pager');
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await own.client.put(org, chunked(Buffer.from([i])), {})).blobId);
      ids.sort();
      const token = await own.systemToken();
      const first = await own.client.systemList(token, { limit: 2 });
      expect(first.blobs.map((b) => b.id)).toEqual(ids.slice(0, 2));
      expect(first.next).toBe(ids[1]);
      const second = await own.client.systemList(token, { limit: 2, after: first.next });
      expect(second.blobs.map((b) => b.id)).toEqual(ids.slice(2, 4));
      const last = await own.client.systemList(token, { limit: 2, after: second.next });
      expect(last.blobs.map((b) => b.id)).toEqual(ids.slice(4));
      expect(last.next).toBeUndefined();
      expect(last.blobs[0]!.size).toBeGreaterThan(1); // stored bytes include the tag
    } finally {
      await own.close();
    }
  });
});

describe('delete', () => {
  it('is idempotent and the blob is gone afterwards', async () => {
    const put = await svc.client.put(acme, chunked(Buffer.from('bye')), {});
    await svc.client.delete(acme, put.blobId);
    await svc.client.delete(acme, put.blobId);
    expect(await collectIds(backend.list({}))).not.toContain(put.blobId);
    await expect(svc.client.get(acme, { blobId: put.blobId, size: 3, encryption: put.encryption }, undefined)).rejects.toMatchObject({
      code: 'NoSuchKey',
    });
  });
});
