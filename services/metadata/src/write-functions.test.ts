import type { Pool } from 'pg';
import { asOrgId } from '@excloud/contracts';
import { S3Error } from '@excloud/s3-protocol';
import { deleteObject, getObject, putObject } from './object-store';
import { codeOf, commitFor, outboxRows, startTestMetadata, uniqueBucket, type TestMetadata } from './test-support';
import { getOrgUsage, setOrgQuota } from './usage-store';

/**
 * What the one-statement writes (put_object_version, delete_object_version) refuse and how they
 * behave under concurrency, called through the store functions the hot routes use.
 */
let t: TestMetadata;

beforeAll(async () => {
  t = await startTestMetadata();
});

afterAll(async () => {
  await t?.close();
});

async function bucketOf(org: string, versioning?: 'Enabled' | 'Suspended'): Promise<string> {
  const bucket = uniqueBucket('wf');
  const token = await t.tokenFor(org);
  await t.client.createBucket(token, bucket, {});
  if (versioning) await t.client.putBucketVersioning(token, bucket, versioning);
  return bucket;
}

async function refusal(p: Promise<unknown>): Promise<S3Error> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof S3Error)) throw new Error(`expected an S3Error, got ${String(err)}`);
  return err;
}

async function versionsOf(org: string, bucket: string, key: string) {
  const r = await t.pool.query<{ version_id: string; is_latest: boolean; etag: string }>(
    'SELECT version_id, is_latest, etag FROM object_versions WHERE org_id = $1 AND bucket = $2 AND key = $3 ORDER BY seq',
    [org, bucket, key],
  );
  return r.rows;
}

/** A pool that records the statements sent through it. */
function countingPool(sent: string[]): Pool {
  return {
    query: (config: string | { text: string }, values?: unknown[]) => {
      sent.push(typeof config === 'string' ? config : config.text);
      return t.pool.query(config as never, values as never);
    },
    connect: () => {
      throw new Error('a hot call must not check out a connection for a transaction');
    },
  } as unknown as Pool;
}

describe('one-statement writes', () => {
  it('cost one statement each, with no BEGIN or COMMIT, for put, overwrite, read and delete', async () => {
    const org = asOrgId('wf-count');
    const bucket = await bucketOf(org);
    const sent: string[] = [];
    const pool = countingPool(sent);
    await putObject(pool, org, bucket, commitFor('k'));
    await putObject(pool, org, bucket, commitFor('k', { ifNoneMatch: '"other"' }));
    await getObject(pool, org, bucket, 'k', undefined);
    await deleteObject(pool, org, bucket, 'k', undefined);
    expect(sent).toHaveLength(4);
    expect(sent.filter((s) => /\b(BEGIN|COMMIT)\b/i.test(s))).toEqual([]);
  });

  it('refuse a missing bucket with NoSuchBucket naming it', async () => {
    const org = asOrgId('wf-nobucket');
    const put = await refusal(putObject(t.pool, org, 'missing-bucket', commitFor('k')));
    expect([put.code, put.fields]).toEqual(['NoSuchBucket', { BucketName: 'missing-bucket' }]);
    const del = await refusal(deleteObject(t.pool, org, 'missing-bucket', 'k', undefined));
    expect([del.code, del.fields]).toEqual(['NoSuchBucket', { BucketName: 'missing-bucket' }]);
    // Another org's bucket of the same name is missing too.
    const other = await bucketOf('wf-owner');
    expect(await codeOf(putObject(t.pool, org, other, commitFor('k')))).toBe('NoSuchBucket');
  });

  it('evaluate If-Match and If-None-Match against the live latest version, and a refusal changes nothing', async () => {
    const org = asOrgId('wf-cond');
    const bucket = await bucketOf(org);
    const first = await putObject(t.pool, org, bucket, commitFor('k', { size: 5 }));
    const before = { usage: await getOrgUsage(t.pool, org), outbox: await outboxRows(t.pool, org), versions: await versionsOf(org, bucket, 'k') };

    const none = await refusal(putObject(t.pool, org, bucket, commitFor('k', { ifNoneMatch: '*' })));
    expect([none.code, none.fields]).toEqual(['PreconditionFailed', { Condition: 'If-None-Match' }]);
    expect(await codeOf(putObject(t.pool, org, bucket, commitFor('k', { ifNoneMatch: `"x", W/${first.etag}` })))).toBe('PreconditionFailed');
    const match = await refusal(putObject(t.pool, org, bucket, commitFor('k', { ifMatch: '"0123"' })));
    expect([match.code, match.fields]).toEqual(['PreconditionFailed', { Condition: 'If-Match' }]);
    expect(await codeOf(putObject(t.pool, org, bucket, commitFor('absent', { ifMatch: '*' })))).toBe('NoSuchKey');
    expect({ usage: await getOrgUsage(t.pool, org), outbox: await outboxRows(t.pool, org), versions: await versionsOf(org, bucket, 'k') }).toEqual(before);

    // Matching lists pass: an unquoted tag among others, and '*'.
    const second = await putObject(t.pool, org, bucket, commitFor('k', { ifMatch: `"nope", ${first.etag.slice(1, -1)}` }));
    await putObject(t.pool, org, bucket, commitFor('k', { ifMatch: '*', ifNoneMatch: first.etag }));
    expect(second.etag).not.toBe(first.etag);
    expect(await codeOf(putObject(t.pool, org, bucket, commitFor('new', { ifNoneMatch: '*' })))).toBe('ok');
  });

  it('treat a key hidden by a delete marker as absent for the conditions', async () => {
    const org = asOrgId('wf-marker');
    const bucket = await bucketOf(org, 'Enabled');
    await putObject(t.pool, org, bucket, commitFor('k'));
    await deleteObject(t.pool, org, bucket, 'k', undefined);
    expect(await codeOf(putObject(t.pool, org, bucket, commitFor('k', { ifMatch: '*' })))).toBe('NoSuchKey');
    expect(await codeOf(putObject(t.pool, org, bucket, commitFor('k', { ifNoneMatch: '*' })))).toBe('ok');
  });

  it('refuse a write over quota with the same message, keeping the version it would have replaced', async () => {
    const org = asOrgId('wf-quota');
    const bucket = await bucketOf(org);
    await putObject(t.pool, org, bucket, commitFor('k', { size: 60 }));
    await setOrgQuota(t.pool, org, { maxBytes: 100, maxObjectBytes: 150 });
    const big = await refusal(putObject(t.pool, org, bucket, commitFor('k', { size: 151 })));
    expect([big.code, big.message]).toEqual(['QuotaExceeded', 'Object size 151 bytes exceeds the maximum object size of 150 bytes for your organization.']);
    const over = await refusal(putObject(t.pool, org, bucket, commitFor('other', { size: 41 })));
    expect([over.code, over.message]).toEqual([
      'QuotaExceeded',
      'Storage quota exceeded: your organization may store 100 bytes; this request would bring it to 101 bytes.',
    ]);
    expect(await getOrgUsage(t.pool, org)).toMatchObject({ bytes: 60, objects: 1 });
    expect(await outboxRows(t.pool, org)).toEqual([]);
    expect(await versionsOf(org, bucket, 'k')).toHaveLength(1);
    // An overwrite that grows within the quota passes; the replaced blob goes to the outbox.
    await putObject(t.pool, org, bucket, commitFor('k', { size: 100 }));
    expect((await outboxRows(t.pool, org)).map((r) => r.reason)).toEqual(['overwrite']);
    await setOrgQuota(t.pool, org, { maxObjects: 1 });
    expect((await refusal(putObject(t.pool, org, bucket, commitFor('k2', { size: 0 })))).message).toBe('Object quota exceeded: your organization may store 1 objects.');
  });

  it('leave exactly one latest version when writers race on one key', async () => {
    const org = asOrgId('wf-race');
    for (const versioning of [undefined, 'Enabled'] as const) {
      const bucket = await bucketOf(org, versioning);
      const results = await Promise.all(Array.from({ length: 8 }, () => putObject(t.pool, org, bucket, commitFor('k', { size: 3 }))));
      const rows = await versionsOf(org, bucket, 'k');
      expect(rows.filter((r) => r.is_latest)).toHaveLength(1);
      expect(rows).toHaveLength(versioning ? 8 : 1);
      // The latest is the last one committed, and a read sees it.
      expect((await getObject(t.pool, org, bucket, 'k', undefined)).etag).toBe(rows.at(-1)!.etag);
      expect(new Set(results.map((r) => r.etag)).size).toBe(8);
    }
    // Unversioned: seven overwrites, seven replaced blobs in the outbox; usage counts one object.
    expect((await outboxRows(t.pool, org)).filter((r) => r.reason === 'overwrite')).toHaveLength(7);
    expect(await getOrgUsage(t.pool, org)).toMatchObject({ bytes: 3 * 9, objects: 9 });
  });

  it('let exactly one of racing If-None-Match: * writers create the key', async () => {
    const org = asOrgId('wf-create-race');
    const bucket = await bucketOf(org);
    const codes = await Promise.all(Array.from({ length: 8 }, () => codeOf(putObject(t.pool, org, bucket, commitFor('k', { ifNoneMatch: '*' })))));
    expect(codes.filter((c) => c === 'ok')).toHaveLength(1);
    expect(codes.filter((c) => c === 'PreconditionFailed')).toHaveLength(7);
    expect(await versionsOf(org, bucket, 'k')).toHaveLength(1);
  });

  it('delete a named latest version and promote the newest remaining one', async () => {
    const org = asOrgId('wf-delete');
    const bucket = await bucketOf(org, 'Enabled');
    const v1 = await putObject(t.pool, org, bucket, commitFor('k'));
    const v2 = await putObject(t.pool, org, bucket, commitFor('k'));
    expect(await deleteObject(t.pool, org, bucket, 'k', v2.versionId)).toEqual({ versionId: v2.versionId, deleteMarker: false });
    expect((await getObject(t.pool, org, bucket, 'k', undefined)).versionId).toBe(v1.versionId);
    expect((await outboxRows(t.pool, org)).map((r) => [r.blob_id, r.reason])).toEqual([[v2.manifest[0]!.blobId, 'delete']]);
    // A missing version deletes nothing and succeeds, as in S3.
    expect(await deleteObject(t.pool, org, bucket, 'k', '0'.repeat(32))).toEqual({ versionId: '0'.repeat(32), deleteMarker: false });
  });

  it('take the same per-key lock id as the service computed before the write moved into SQL', async () => {
    const r = await t.pool.query<{ same: boolean }>("SELECT object_key_lock_id('o', 'b', 'k/é') = hashtextextended($1, 0) AS same", ['o\u0001b\u0001k/é']);
    expect(r.rows[0]!.same).toBe(true);
  });
});
