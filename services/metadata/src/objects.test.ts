import { codeOf, commitFor, outboxRows, startTestMetadata, type TestMetadata } from './test-support';

let t: TestMetadata;
let token: string;
const ORG = 'org-objects';
const BUCKET = 'objects';

beforeAll(async () => {
  t = await startTestMetadata();
  token = await t.tokenFor(ORG);
  await t.client.createBucket(token, BUCKET, {});
});

afterAll(async () => {
  await t?.close();
});

describe('put and get', () => {
  it('publishes a version and reads it back as committed', async () => {
    const commit = commitFor('docs/readme.txt', { headers: { contentType: 'text/markdown', cacheControl: 'no-cache' }, userMetadata: { a: '1' } });
    const put = await t.client.putObject(token, BUCKET, commit);
    expect(put).toMatchObject({
      bucket: BUCKET,
      key: 'docs/readme.txt',
      versionId: 'null',
      isLatest: true,
      isDeleteMarker: false,
      size: commit.size,
      etag: commit.etag,
      headers: commit.headers,
      userMetadata: { a: '1' },
      checksums: commit.checksums,
      manifest: commit.manifest,
    });
    expect(new Date(put.lastModified).toISOString()).toBe(put.lastModified);
    expect(await t.client.getObject(token, BUCKET, 'docs/readme.txt', undefined)).toEqual(put);
    expect(await t.client.getObject(token, BUCKET, 'docs/readme.txt', 'null')).toEqual(put);
  });

  it('stores an unquoted etag quoted', async () => {
    const put = await t.client.putObject(token, BUCKET, commitFor('unquoted', { etag: 'abc123' }));
    expect(put.etag).toBe('"abc123"');
  });

  it('round-trips keys with unicode, spaces and URL metacharacters', async () => {
    for (const key of ['ünïcødé/日本語.txt', 'a b+c', '100%?x=1#frag', 'plus+&amp;=', '😀/emoji', ' leading space']) {
      await t.client.putObject(token, BUCKET, commitFor(key));
      expect((await t.client.getObject(token, BUCKET, key, undefined)).key).toBe(key);
    }
    expect(await codeOf(t.client.getObject(token, BUCKET, 'a b c', undefined))).toBe('NoSuchKey');
  });

  it('answers NoSuchKey for a missing key and NoSuchVersion for a missing version', async () => {
    expect(await codeOf(t.client.getObject(token, BUCKET, 'nope', undefined))).toBe('NoSuchKey');
    expect(await codeOf(t.client.getObject(token, BUCKET, 'nope', '0123456789abcdef0123456789abcdef'))).toBe('NoSuchVersion');
    expect(await codeOf(t.client.getObject(token, BUCKET, 'nope', 'null'))).toBe('NoSuchVersion');
  });

  it('refuses malformed version ids and commits with InvalidArgument', async () => {
    expect(await codeOf(t.client.getObject(token, BUCKET, 'k', '../../etc'))).toBe('InvalidArgument');
    expect(await codeOf(t.client.deleteObject(token, BUCKET, 'k', 'ZZZ'))).toBe('InvalidArgument');
    expect(await codeOf(t.client.putObject(token, BUCKET, { ...commitFor('k'), size: -1 }))).toBe('InvalidArgument');
    expect(await codeOf(t.client.putObject(token, BUCKET, { ...commitFor('k'), key: '' }))).toBe('InvalidArgument');
    expect(await codeOf(t.client.putObject(token, BUCKET, { ...commitFor('k'), manifest: [{}] as never }))).toBe('InvalidArgument');
  });
});

describe('overwrite and delete (unversioned)', () => {
  it('replaces the null version and sends the old blobs to the outbox', async () => {
    const first = await t.client.putObject(token, BUCKET, commitFor('over.txt'));
    const second = await t.client.putObject(token, BUCKET, commitFor('over.txt', { size: 99 }));
    const read = await t.client.getObject(token, BUCKET, 'over.txt', undefined);
    expect(read.etag).toBe(second.etag);
    expect(read.size).toBe(99);
    const outbox = await outboxRows(t.pool, ORG);
    expect(outbox).toContainEqual({ blob_id: first.manifest[0].blobId, reason: 'overwrite' });
    expect(outbox.map((r) => r.blob_id)).not.toContain(second.manifest[0].blobId);
    const rows = await t.pool.query("SELECT count(*)::int AS n FROM object_versions WHERE org_id = $1 AND key = 'over.txt'", [ORG]);
    expect(rows.rows[0].n).toBe(1);
  });

  it('deletes the null version, outboxing its blobs; deleting a missing key succeeds', async () => {
    const put = await t.client.putObject(token, BUCKET, commitFor('gone.txt'));
    expect(await t.client.deleteObject(token, BUCKET, 'gone.txt', undefined)).toEqual({ deleteMarker: false });
    expect(await codeOf(t.client.getObject(token, BUCKET, 'gone.txt', undefined))).toBe('NoSuchKey');
    expect(await outboxRows(t.pool, ORG)).toContainEqual({ blob_id: put.manifest[0].blobId, reason: 'delete' });
    expect(await t.client.deleteObject(token, BUCKET, 'gone.txt', undefined)).toEqual({ deleteMarker: false });
  });
});

describe('conditional puts', () => {
  it('If-None-Match: * succeeds on a new key and fails once it exists', async () => {
    await t.client.putObject(token, BUCKET, commitFor('once', { ifNoneMatch: '*' }));
    expect(await codeOf(t.client.putObject(token, BUCKET, commitFor('once', { ifNoneMatch: '*' })))).toBe('PreconditionFailed');
  });

  it('If-Match compares etags ignoring quotes and refuses a mismatch', async () => {
    const v1 = await t.client.putObject(token, BUCKET, commitFor('cas'));
    const bare = v1.etag.replace(/"/g, '');
    const v2 = await t.client.putObject(token, BUCKET, commitFor('cas', { ifMatch: bare }));
    expect(await codeOf(t.client.putObject(token, BUCKET, commitFor('cas', { ifMatch: v1.etag })))).toBe('PreconditionFailed');
    expect((await t.client.getObject(token, BUCKET, 'cas', undefined)).etag).toBe(v2.etag);
    await t.client.putObject(token, BUCKET, commitFor('cas', { ifMatch: v2.etag }));
    await t.client.putObject(token, BUCKET, commitFor('cas', { ifMatch: '*' }));
  });

  it('If-Match on a key with no live object answers NoSuchKey', async () => {
    expect(await codeOf(t.client.putObject(token, BUCKET, commitFor('absent', { ifMatch: '*' })))).toBe('NoSuchKey');
    expect(await codeOf(t.client.putObject(token, BUCKET, commitFor('absent', { ifMatch: '"abc"' })))).toBe('NoSuchKey');
  });

  it('a failed precondition changes nothing', async () => {
    const v1 = await t.client.putObject(token, BUCKET, commitFor('stable'));
    const refused = commitFor('stable', { ifNoneMatch: '*' });
    expect(await codeOf(t.client.putObject(token, BUCKET, refused))).toBe('PreconditionFailed');
    expect((await t.client.getObject(token, BUCKET, 'stable', undefined)).etag).toBe(v1.etag);
    expect((await outboxRows(t.pool, ORG)).map((r) => r.blob_id)).not.toContain(v1.manifest[0].blobId);
  });

  it('lets exactly one of 10 concurrent If-None-Match: * puts win', async () => {
    const commits = Array.from({ length: 10 }, () => commitFor('race', { ifNoneMatch: '*' }));
    const results = await Promise.all(commits.map((c) => codeOf(t.client.putObject(token, BUCKET, c))));
    expect(results.filter((r) => r === 'ok')).toHaveLength(1);
    expect(results.filter((r) => r === 'PreconditionFailed')).toHaveLength(9);
    const winner = commits[results.indexOf('ok')];
    expect((await t.client.getObject(token, BUCKET, 'race', undefined)).etag).toBe(winner.etag);
  });

  it('serialises concurrent unconditional overwrites: one latest, every loser outboxed', async () => {
    const commits = Array.from({ length: 8 }, () => commitFor('busy'));
    await Promise.all(commits.map((c) => t.client.putObject(token, BUCKET, c)));
    const latest = await t.client.getObject(token, BUCKET, 'busy', undefined);
    const outboxed = new Set((await outboxRows(t.pool, ORG)).map((r) => r.blob_id));
    for (const c of commits) {
      const blobId = c.manifest[0].blobId;
      expect(outboxed.has(blobId)).toBe(blobId !== latest.manifest[0].blobId);
    }
  });
});
