import { MIN_PART_BYTES } from './complete-upload';
import { codeOf, commitFor, startTestMetadata, type TestMetadata } from './test-support';
import { getOrgUsage, setOrgQuota } from './usage-store';
import { reconcileUsage } from './usage-reconcile';

let t: TestMetadata;
const MiB = 1024 * 1024;

beforeAll(async () => {
  t = await startTestMetadata();
});

afterAll(async () => {
  await t?.close();
});

async function orgWithBucket(org: string, bucket = 'b') {
  const token = await t.tokenFor(org);
  await t.client.createBucket(token, bucket, {});
  return token;
}

async function noDrift(org: string) {
  const r = await reconcileUsage(t.pool, { limit: 5000, correct: false });
  expect(r.drift.filter((d) => d.orgId === org)).toEqual([]);
}

describe('usage counters', () => {
  it('follow puts, overwrites, versions, delete markers, multipart completes and bucket deletes', async () => {
    const org = 'usage-follow';
    const token = await orgWithBucket(org);
    expect(await getOrgUsage(t.pool, org)).toEqual({ bytes: 0, objects: 0, buckets: 1 });
    await t.client.putObject(token, 'b', commitFor('a', { size: 100 }));
    await t.client.putObject(token, 'b', commitFor('a', { size: 40 })); // overwrite in place
    await t.client.putObject(token, 'b', commitFor('c', { size: 7 }));
    expect(await getOrgUsage(t.pool, org)).toEqual({ bytes: 47, objects: 2, buckets: 1 });

    await t.client.putBucketVersioning(token, 'b', 'Enabled');
    const v2 = await t.client.putObject(token, 'b', commitFor('a', { size: 1000 })); // 'null' version kept
    expect(await getOrgUsage(t.pool, org)).toMatchObject({ bytes: 1047, objects: 3 });
    const marker = await t.client.deleteObject(token, 'b', 'a', undefined); // a marker frees nothing
    expect(await getOrgUsage(t.pool, org)).toMatchObject({ bytes: 1047, objects: 3 });
    await t.client.deleteObject(token, 'b', 'a', v2.versionId);
    await t.client.deleteObject(token, 'b', 'a', marker.versionId!);
    expect(await getOrgUsage(t.pool, org)).toMatchObject({ bytes: 47, objects: 2 });

    const u = await t.client.createUpload(token, 'b', { key: 'mp', headers: {}, userMetadata: {} });
    const parts = [];
    for (const [n, size] of [[1, MIN_PART_BYTES], [2, 5]] as const) {
      const c = commitFor('x', { size });
      parts.push(await t.client.putPart(token, 'b', 'mp', u.uploadId, { partNumber: n, size, etag: c.etag, checksums: {}, blob: c.manifest[0]! }));
    }
    // Parts in progress are not counted; the completed object is.
    expect(await getOrgUsage(t.pool, org)).toMatchObject({ bytes: 47, objects: 2 });
    const mp = await t.client.completeUpload(token, 'b', 'mp', u.uploadId, { parts: parts.map((p) => ({ partNumber: p.partNumber, etag: p.etag, checksums: {} })) });
    expect(await getOrgUsage(t.pool, org)).toMatchObject({ bytes: 47 + MIN_PART_BYTES + 5, objects: 3 });
    await noDrift(org);

    for (const key of ['a', 'c']) await t.client.deleteObject(token, 'b', key, 'null');
    await t.client.deleteObject(token, 'b', 'mp', mp.versionId);
    await t.client.deleteBucket(token, 'b');
    expect(await getOrgUsage(t.pool, org)).toEqual({ bytes: 0, objects: 0, buckets: 0 });
    await noDrift(org);
  });
});

describe('quotas', () => {
  it('a storage quota of 1 MiB refuses the PUT that would exceed it and stores nothing', async () => {
    const org = 'quota-bytes';
    const token = await orgWithBucket(org);
    await setOrgQuota(t.pool, org, { maxBytes: MiB });
    await t.client.putObject(token, 'b', commitFor('fits', { size: MiB - 10 }));
    const err = await t.client.putObject(token, 'b', commitFor('over', { size: 11 })).catch((e: unknown) => e as Error & { code: string; status: number });
    expect(err).toMatchObject({ code: 'QuotaExceeded', status: 403 });
    expect((err as Error).message).toMatch(/1048576 bytes/);
    expect(await codeOf(t.client.getObject(token, 'b', 'over', undefined))).toBe('NoSuchKey');
    expect(await getOrgUsage(t.pool, org)).toMatchObject({ bytes: MiB - 10, objects: 1 });
    // Still room for an object that fits exactly, and a shrinking overwrite always works.
    await t.client.putObject(token, 'b', commitFor('exact', { size: 10 }));
    await setOrgQuota(t.pool, org, { maxBytes: 0 });
    await t.client.putObject(token, 'b', commitFor('fits', { size: 1 }));
    await t.client.deleteObject(token, 'b', 'exact', undefined);
    expect(await getOrgUsage(t.pool, org)).toMatchObject({ bytes: 1, objects: 1 });
  });

  it('counts objects, buckets and the largest object size', async () => {
    const org = 'quota-counts';
    const token = await orgWithBucket(org);
    await setOrgQuota(t.pool, org, { maxObjects: 1, maxBuckets: 1, maxObjectBytes: 100 });
    expect(await codeOf(t.client.putObject(token, 'b', commitFor('big', { size: 101 })))).toBe('QuotaExceeded');
    await t.client.putObject(token, 'b', commitFor('one', { size: 100 }));
    expect(await codeOf(t.client.putObject(token, 'b', commitFor('two', { size: 1 })))).toBe('QuotaExceeded');
    expect(await codeOf(t.client.createBucket(token, 'second', {}))).toBe('QuotaExceeded');
    expect(await codeOf(t.client.getBucket(token, 'second'))).toBe('NoSuchBucket');
    await setOrgQuota(t.pool, org, { maxBuckets: null });
    await t.client.createBucket(token, 'second', {});
    expect(await getOrgUsage(t.pool, org)).toEqual({ bytes: 100, objects: 1, buckets: 2 });
  });

  it('spreads the counters of an org without a quota over stripes, and their sum stays exact', async () => {
    const org = 'usage-spread';
    const token = await orgWithBucket(org);
    await Promise.all(Array.from({ length: 12 }, (_, i) => t.client.putObject(token, 'b', commitFor(`k${i}`, { size: 100 + i }))));
    await Promise.all(Array.from({ length: 4 }, (_, i) => t.client.deleteObject(token, 'b', `k${i}`, undefined)));
    const stripes = await t.pool.query<{ n: string }>('SELECT count(*) AS n FROM org_usage WHERE org_id = $1', [org]);
    // Parallel commits ran on several backends, hence several stripes.
    expect(Number(stripes.rows[0]!.n)).toBeGreaterThan(1);
    expect(await getOrgUsage(t.pool, org)).toEqual({ bytes: 8 * 100 + (4 + 5 + 6 + 7 + 8 + 9 + 10 + 11), objects: 8, buckets: 1 });
    await noDrift(org);
  });

  it('is exact under concurrency: 8 parallel writers never overshoot', async () => {
    const org = 'quota-race';
    const token = await orgWithBucket(org);
    await setOrgQuota(t.pool, org, { maxBytes: 5 * 1000 });
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => codeOf(t.client.putObject(token, 'b', commitFor(`k${i}`, { size: 1000 })))));
    expect(results.filter((r) => r === 'ok')).toHaveLength(5);
    expect(results.filter((r) => r === 'QuotaExceeded')).toHaveLength(3);
    expect(await getOrgUsage(t.pool, org)).toMatchObject({ bytes: 5000, objects: 5 });
    await noDrift(org);
  });
});

describe('reconciliation', () => {
  it('reports drift, corrects it when asked, and then finds none', async () => {
    const org = 'usage-drift';
    const token = await orgWithBucket(org);
    await t.client.putObject(token, 'b', commitFor('k', { size: 500 }));
    // Drift of the kind a commit outside the transaction would cause.
    await t.pool.query(
      `INSERT INTO org_usage AS u (org_id, stripe, bytes, objects) VALUES ($1, 0, 7, -1)
       ON CONFLICT (org_id, stripe) DO UPDATE SET bytes = u.bytes + 7, objects = u.objects - 1`,
      [org],
    );
    const report = await reconcileUsage(t.pool, { limit: 5000, correct: false });
    expect(report.drift.find((d) => d.orgId === org)).toEqual({ orgId: org, counted: { bytes: 507, objects: 0, buckets: 1 }, actual: { bytes: 500, objects: 1, buckets: 1 } });
    expect(await getOrgUsage(t.pool, org)).toMatchObject({ bytes: 507 });
    await reconcileUsage(t.pool, { limit: 5000, correct: true });
    expect(await getOrgUsage(t.pool, org)).toEqual({ bytes: 500, objects: 1, buckets: 1 });
    await noDrift(org);
  });
});
