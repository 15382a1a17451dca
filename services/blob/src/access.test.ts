import { randomBytes } from 'node:crypto';
import { generateKeyPair, SignJWT } from 'jose';
import { MemoryBackend } from '@excloud/blob-backend';
import { INTERNAL_TOKEN_AUDIENCE, INTERNAL_TOKEN_ISSUER, type ManifestPart } from '@excloud/contracts';
import { InternalClient } from '@excloud/internal-client';
import { chunked, collectIds, readBody, startTestBlobService, type TestBlobService } from './test-support';

let svc: TestBlobService;
let backend: MemoryBackend;
let acme: string;
let globex: string;
let acmePart: ManifestPart;

beforeAll(async () => {
  backend = new MemoryBackend();
  svc = await startTestBlobService(backend);
  acme = await svc.token('acme');
  globex = await svc.token('globex');
  const put = await svc.client.put(acme, chunked(randomBytes(100)), {});
  acmePart = { blobId: put.blobId, size: put.size, encryption: put.encryption };
});
afterAll(() => svc.close());

describe('tenant isolation', () => {
  it('another org cannot read or delete a blob', async () => {
    await expect(svc.client.get(globex, acmePart, undefined)).rejects.toMatchObject({ code: 'AccessDenied', status: 403 });
    await expect(svc.client.delete(globex, acmePart.blobId)).rejects.toMatchObject({ code: 'AccessDenied' });
    expect(await collectIds(backend.list({}))).toContain(acmePart.blobId);
    expect((await readBody(await svc.client.get(acme, acmePart, undefined))).length).toBe(100);
  });

  it('an org whose name prefixes another’s is still a different org', async () => {
    const acm = await svc.token('acm');
    await expect(svc.client.get(acm, acmePart, undefined)).rejects.toMatchObject({ code: 'AccessDenied' });
  });

  it('blobs are written under the caller’s org', async () => {
    const put = await svc.client.put(globex, chunked(Buffer.from('hi')), {});
    expect(put.blobId.startsWith('globex/')).toBe(true);
  });

  it('listing only shows the caller’s blobs, and refuses another org’s prefix', async () => {
    const listed = await svc.client.list(acme, {});
    expect(listed.blobs.length).toBeGreaterThan(0);
    expect(listed.blobs.every((b) => b.id.startsWith('acme/'))).toBe(true);
    expect((await svc.client.list(acme, { prefix: 'ac' })).blobs.map((b) => b.id)).toEqual(listed.blobs.map((b) => b.id));
    await expect(svc.client.list(acme, { prefix: 'globex/' })).rejects.toMatchObject({ code: 'AccessDenied' });
    const other = await svc.client.list(globex, { after: 'a' });
    expect(other.blobs.every((b) => b.id.startsWith('globex/'))).toBe(true);
  });

  it('requests without a valid token are refused', async () => {
    const http = new InternalClient(svc.url);
    await expect(http.raw({ method: 'GET', path: '/v1/blobs' })).rejects.toMatchObject({ code: 'AccessDenied' });
    const stranger = await generateKeyPair('ES256');
    const forged = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES256' })
      .setSubject('acme')
      .setAudience(INTERNAL_TOKEN_AUDIENCE)
      .setIssuer(INTERNAL_TOKEN_ISSUER)
      .setExpirationTime('5m')
      .sign(stranger.privateKey);
    await expect(svc.client.get(forged, acmePart, undefined)).rejects.toMatchObject({ code: 'AccessDenied' });
    await expect(svc.client.put(forged, chunked(Buffer.from('x')), {})).rejects.toMatchObject({ code: 'AccessDenied' });
  });
});

describe('listing', () => {
  it('pages in id order with next', async () => {
    const org = await svc.token('pager');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await svc.client.put(org, chunked(Buffer.from([i])), {})).blobId);
    ids.sort();
    const first = await svc.client.list(org, { limit: 2 });
    expect(first.blobs.map((b) => b.id)).toEqual(ids.slice(0, 2));
    expect(first.next).toBe(ids[1]);
    const second = await svc.client.list(org, { limit: 2, after: first.next });
    expect(second.blobs.map((b) => b.id)).toEqual(ids.slice(2, 4));
    const last = await svc.client.list(org, { limit: 2, after: second.next });
    expect(last.blobs.map((b) => b.id)).toEqual(ids.slice(4));
    expect(last.next).toBeUndefined();
    expect(Number.isNaN(Date.parse(last.blobs[0]!.lastModified))).toBe(false);
    expect(last.blobs[0]!.size).toBeGreaterThan(1); // stored bytes include the tag
  });

  it('rejects a bad limit', async () => {
    await expect(svc.client.list(acme, { limit: 0 })).rejects.toMatchObject({ code: 'InvalidArgument' });
    await expect(svc.client.list(acme, { limit: 1001 })).rejects.toMatchObject({ code: 'InvalidArgument' });
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
