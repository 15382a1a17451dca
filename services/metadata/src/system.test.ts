import { MetadataSystemClient } from '@excloud/internal-client';
import { codeOf, commitFor, startTestMetadata, type TestMetadata } from './test-support';

let t: TestMetadata;
let system: MetadataSystemClient;
const ORG = 'org-system';

beforeAll(async () => {
  t = await startTestMetadata();
  system = new MetadataSystemClient(t.baseUrl);
});

afterAll(async () => {
  await t?.close();
});

describe('system routes (janitor)', () => {
  it('refuse org tokens, accept the system token', async () => {
    const org = await t.tokenFor(ORG);
    expect(await codeOf(system.stats(org))).toBe('AccessDenied');
    expect(await codeOf(system.stats('garbage'))).toBe('AccessDenied');
    // And the system token is not an org token.
    expect(await codeOf(t.client.listBuckets(await t.systemToken()))).toBe('AccessDenied');
    expect(await system.stats(await t.systemToken())).toEqual(expect.objectContaining({ outboxPending: expect.any(Number) }));
  });

  it('hand out outbox rows after the grace period and forget acknowledged ones', async () => {
    const token = await t.tokenFor(ORG);
    const sys = await t.systemToken();
    await t.client.createBucket(token, 'drain', {});
    const first = await t.client.putObject(token, 'drain', commitFor('k'));
    await t.client.putObject(token, 'drain', commitFor('k'));
    const blobId = first.manifest[0]!.blobId;
    expect((await system.pendingOutbox(sys, { olderThanSeconds: 3600, limit: 10 })).rows).toEqual([]);
    const { rows } = await system.pendingOutbox(sys, { olderThanSeconds: 0, limit: 10 });
    expect(rows.map((r) => r.blobId)).toContain(blobId);
    // Still within its grace period, the superseded blob counts as referenced (the sweep leaves it to the drain).
    expect((await system.referencedBlobs(sys, [blobId, 'org-system/20250101/unknown'], 3600)).referenced).toEqual([blobId]);
    await system.ackOutbox(sys, rows.map((r) => r.id));
    expect((await system.pendingOutbox(sys, { olderThanSeconds: 0, limit: 10 })).rows).toEqual([]);
    expect((await system.referencedBlobs(sys, [blobId], 0)).referenced).toEqual([]);
  });

  it('reports blobs referenced by live versions and upload parts', async () => {
    const token = await t.tokenFor(ORG);
    const sys = await t.systemToken();
    await t.client.createBucket(token, 'refs', {});
    const v = await t.client.putObject(token, 'refs', commitFor('live'));
    const u = await t.client.createUpload(token, 'refs', { key: 'big', headers: {}, userMetadata: {} });
    const p = commitFor('x').manifest[0]!;
    await t.client.putPart(token, 'refs', 'big', u.uploadId, { partNumber: 1, size: p.size, etag: '"aa"', checksums: {}, blob: p });
    const ids = [v.manifest[0]!.blobId, p.blobId, 'org-system/20250101/orphan'];
    expect((await system.referencedBlobs(sys, ids, 0)).referenced.sort()).toEqual([v.manifest[0]!.blobId, p.blobId].sort());
  });

  it('expire idle uploads, queueing their parts', async () => {
    const token = await t.tokenFor(ORG);
    const sys = await t.systemToken();
    await t.client.createBucket(token, 'expire', {});
    const u = await t.client.createUpload(token, 'expire', { key: 'old', headers: {}, userMetadata: {} });
    const p = commitFor('x').manifest[0]!;
    await t.client.putPart(token, 'expire', 'old', u.uploadId, { partNumber: 1, size: p.size, etag: '"aa"', checksums: {}, blob: p });
    expect((await system.expireUploads(sys, { olderThanSeconds: 3600, limit: 10 })).expired).toBe(0);
    await t.pool.query("UPDATE multipart_uploads SET last_activity = now() - interval '2 hours' WHERE upload_id = $1", [u.uploadId]);
    expect((await system.expireUploads(sys, { olderThanSeconds: 3600, limit: 10 })).expired).toBe(1);
    expect(await codeOf(t.client.getUpload(token, 'expire', 'old', u.uploadId))).toBe('NoSuchUpload');
    const { rows } = await system.pendingOutbox(sys, { olderThanSeconds: 0, limit: 100 });
    expect(rows.map((r) => r.blobId)).toContain(p.blobId);
  });
});
