import { codeOf, commitFor, outboxRows, startTestMetadata, type TestMetadata } from './test-support';

let t: TestMetadata;
let token: string;
const ORG = 'org-versions';

beforeAll(async () => {
  t = await startTestMetadata();
  token = await t.tokenFor(ORG);
});

afterAll(async () => {
  await t?.close();
});

async function versionedBucket(name: string, status: 'Enabled' | 'Suspended' = 'Enabled'): Promise<string> {
  await t.client.createBucket(token, name, {});
  await t.client.putBucketVersioning(token, name, status);
  return name;
}

async function versionRows(bucket: string, key: string) {
  const r = await t.pool.query<{ version_id: string; is_latest: boolean; is_delete_marker: boolean }>(
    'SELECT version_id, is_latest, is_delete_marker FROM object_versions WHERE org_id = $1 AND bucket = $2 AND key = $3 ORDER BY seq',
    [ORG, bucket, key],
  );
  return r.rows;
}

describe('versioning enabled', () => {
  it('keeps every write as its own version with a fresh URL-safe id', async () => {
    const b = await versionedBucket('enabled-puts');
    const v1 = await t.client.putObject(token, b, commitFor('k'));
    const v2 = await t.client.putObject(token, b, commitFor('k'));
    expect(v1.versionId).toMatch(/^[0-9a-f]{32}$/);
    expect(v2.versionId).not.toBe(v1.versionId);
    expect((await t.client.getObject(token, b, 'k', undefined)).versionId).toBe(v2.versionId);
    const old = await t.client.getObject(token, b, 'k', v1.versionId);
    expect(old).toMatchObject({ etag: v1.etag, isLatest: false });
    // Nothing was superseded: no blob may be reclaimed.
    expect((await outboxRows(t.pool, ORG)).map((r) => r.blob_id)).not.toContain(v1.manifest[0].blobId);
  });

  it('adds a delete marker that hides the key; removing the marker restores it', async () => {
    const b = await versionedBucket('enabled-markers');
    const v1 = await t.client.putObject(token, b, commitFor('k'));
    const del = await t.client.deleteObject(token, b, 'k', undefined);
    expect(del.deleteMarker).toBe(true);
    expect(del.versionId).toMatch(/^[0-9a-f]{32}$/);
    expect(await codeOf(t.client.getObject(token, b, 'k', undefined))).toBe('NoSuchKey');
    expect(await codeOf(t.client.getObject(token, b, 'k', del.versionId))).toBe('MethodNotAllowed');
    expect((await t.client.getObject(token, b, 'k', v1.versionId)).etag).toBe(v1.etag);
    expect((await t.client.listObjects(token, b, { maxKeys: 10 })).contents).toEqual([]);

    expect(await t.client.deleteObject(token, b, 'k', del.versionId)).toEqual({ versionId: del.versionId, deleteMarker: true });
    const restored = await t.client.getObject(token, b, 'k', undefined);
    expect(restored).toMatchObject({ versionId: v1.versionId, isLatest: true });
  });

  it('If-None-Match: * succeeds when the latest version is a delete marker', async () => {
    const b = await versionedBucket('enabled-conditional');
    await t.client.putObject(token, b, commitFor('k'));
    await t.client.deleteObject(token, b, 'k', undefined);
    await t.client.putObject(token, b, commitFor('k', { ifNoneMatch: '*' }));
    expect(await codeOf(t.client.putObject(token, b, commitFor('k', { ifNoneMatch: '*' })))).toBe('PreconditionFailed');
  });

  it('deleting the latest version promotes the next newest and outboxes the blobs', async () => {
    const b = await versionedBucket('enabled-promote');
    const v1 = await t.client.putObject(token, b, commitFor('k'));
    const v2 = await t.client.putObject(token, b, commitFor('k'));
    const v3 = await t.client.putObject(token, b, commitFor('k'));
    expect(await t.client.deleteObject(token, b, 'k', v3.versionId)).toEqual({ versionId: v3.versionId, deleteMarker: false });
    expect((await t.client.getObject(token, b, 'k', undefined)).versionId).toBe(v2.versionId);
    expect(await outboxRows(t.pool, ORG)).toContainEqual({ blob_id: v3.manifest[0].blobId, reason: 'delete' });
    // Removing a noncurrent version leaves the latest alone.
    await t.client.deleteObject(token, b, 'k', v1.versionId);
    expect(await versionRows(b, 'k')).toEqual([{ version_id: v2.versionId, is_latest: true, is_delete_marker: false }]);
    expect(await codeOf(t.client.getObject(token, b, 'k', v1.versionId))).toBe('NoSuchVersion');
    // A version that no longer exists deletes idempotently.
    expect(await t.client.deleteObject(token, b, 'k', v1.versionId)).toEqual({ versionId: v1.versionId, deleteMarker: false });
  });
});

describe('versioning suspended', () => {
  it('keeps older versions but replaces the null version on each write', async () => {
    const b = await versionedBucket('suspended-puts');
    const kept = await t.client.putObject(token, b, commitFor('k'));
    await t.client.putBucketVersioning(token, b, 'Suspended');
    const n1 = await t.client.putObject(token, b, commitFor('k'));
    const n2 = await t.client.putObject(token, b, commitFor('k'));
    expect([n1.versionId, n2.versionId]).toEqual(['null', 'null']);
    expect(await versionRows(b, 'k')).toEqual([
      { version_id: kept.versionId, is_latest: false, is_delete_marker: false },
      { version_id: 'null', is_latest: true, is_delete_marker: false },
    ]);
    expect(await outboxRows(t.pool, ORG)).toContainEqual({ blob_id: n1.manifest[0].blobId, reason: 'overwrite' });
    expect((await outboxRows(t.pool, ORG)).map((r) => r.blob_id)).not.toContain(kept.manifest[0].blobId);
  });

  it('replaces the null version with a null delete marker', async () => {
    const b = await versionedBucket('suspended-delete', 'Suspended');
    const n = await t.client.putObject(token, b, commitFor('k'));
    expect(await t.client.deleteObject(token, b, 'k', undefined)).toEqual({ versionId: 'null', deleteMarker: true });
    expect(await versionRows(b, 'k')).toEqual([{ version_id: 'null', is_latest: true, is_delete_marker: true }]);
    expect(await outboxRows(t.pool, ORG)).toContainEqual({ blob_id: n.manifest[0].blobId, reason: 'delete' });
    expect(await codeOf(t.client.getObject(token, b, 'k', undefined))).toBe('NoSuchKey');
  });

  it('replaces a noncurrent null version written before versioning was re-enabled', async () => {
    const b = await versionedBucket('suspended-noncurrent', 'Suspended');
    const oldNull = await t.client.putObject(token, b, commitFor('k'));
    await t.client.putBucketVersioning(token, b, 'Enabled');
    const v = await t.client.putObject(token, b, commitFor('k'));
    await t.client.putBucketVersioning(token, b, 'Suspended');
    const newNull = await t.client.putObject(token, b, commitFor('k'));
    expect(await versionRows(b, 'k')).toEqual([
      { version_id: v.versionId, is_latest: false, is_delete_marker: false },
      { version_id: 'null', is_latest: true, is_delete_marker: false },
    ]);
    expect((await t.client.getObject(token, b, 'k', 'null')).etag).toBe(newNull.etag);
    expect(await outboxRows(t.pool, ORG)).toContainEqual({ blob_id: oldNull.manifest[0].blobId, reason: 'overwrite' });
  });
});
