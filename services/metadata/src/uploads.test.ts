import { createHash, randomBytes } from 'node:crypto';
import type { UploadPartRecord } from '@excloud/contracts';
import { MIN_PART_BYTES } from './complete-upload';
import { codeOf, outboxRows, startTestMetadata, type TestMetadata } from './test-support';

let t: TestMetadata;
let token: string;
const ORG = 'org-uploads';
const BUCKET = 'uploads';

beforeAll(async () => {
  t = await startTestMetadata();
  token = await t.tokenFor(ORG);
  await t.client.createBucket(token, BUCKET, {});
});

afterAll(async () => {
  await t?.close();
});

function part(partNumber: number, size = MIN_PART_BYTES): Omit<UploadPartRecord, 'lastModified'> {
  const md5 = randomBytes(16).toString('hex');
  return {
    partNumber,
    size,
    etag: `"${md5}"`,
    checksums: { CRC32: randomBytes(4).toString('base64') },
    blob: { blobId: `${ORG}/20250101/${randomBytes(8).toString('hex')}`, size, encryption: { keyId: 'k1', wrappedKey: 'w', noncePrefix: 'n' } },
  };
}

async function upload(key: string, parts: number[], sizes: number[] = []) {
  const u = await t.client.createUpload(token, BUCKET, { key, headers: { contentType: 'video/mp4' }, userMetadata: { m: '1' }, checksumAlgorithm: 'CRC32', checksumType: 'COMPOSITE' });
  const records = [];
  for (const [i, n] of parts.entries()) records.push(await t.client.putPart(token, BUCKET, key, u.uploadId, part(n, sizes[i])));
  return { uploadId: u.uploadId, records };
}

describe('complete', () => {
  it('publishes a manifest of the listed parts with the multipart ETag, headers and composite checksum', async () => {
    const { uploadId, records } = await upload('movie.mp4', [1, 2, 3], [MIN_PART_BYTES, MIN_PART_BYTES, 10]);
    const v = await t.client.completeUpload(token, BUCKET, 'movie.mp4', uploadId, { parts: records.map((r) => ({ partNumber: r.partNumber, etag: r.etag, checksums: {} })) });
    const md5 = createHash('md5');
    for (const r of records) md5.update(Buffer.from(r.etag.slice(1, -1), 'hex'));
    expect(v.etag).toBe(`"${md5.digest('hex')}-3"`);
    expect(v.size).toBe(2 * MIN_PART_BYTES + 10);
    expect(v.manifest.map((m) => m.blobId)).toEqual(records.map((r) => r.blob.blobId));
    expect(v.headers).toEqual({ contentType: 'video/mp4' });
    expect(v.checksums.CRC32).toMatch(/-3$/);
    // Complete ends the upload: a second Complete or an Abort finds nothing.
    expect(await codeOf(t.client.completeUpload(token, BUCKET, 'movie.mp4', uploadId, { parts: [{ partNumber: 1, etag: records[0]!.etag, checksums: {} }] }))).toBe('NoSuchUpload');
    expect(await codeOf(t.client.abortUpload(token, BUCKET, 'movie.mp4', uploadId))).toBe('NoSuchUpload');
  });

  it('refuses wrong order, unknown parts, wrong ETags and small non-final parts', async () => {
    const { uploadId, records } = await upload('bad.bin', [1, 2], [10, 10]);
    const listed = (ns: number[], etag?: string) => ({ parts: ns.map((n) => ({ partNumber: n, etag: etag ?? records[n - 1]?.etag ?? '"x"', checksums: {} })) });
    expect(await codeOf(t.client.completeUpload(token, BUCKET, 'bad.bin', uploadId, listed([2, 1])))).toBe('InvalidPartOrder');
    expect(await codeOf(t.client.completeUpload(token, BUCKET, 'bad.bin', uploadId, listed([1, 3])))).toBe('InvalidPart');
    expect(await codeOf(t.client.completeUpload(token, BUCKET, 'bad.bin', uploadId, listed([1], '"00"')))).toBe('InvalidPart');
    expect(await codeOf(t.client.completeUpload(token, BUCKET, 'bad.bin', uploadId, listed([1, 2])))).toBe('EntityTooSmall');
    // A single small part is a valid last part.
    expect(await codeOf(t.client.completeUpload(token, BUCKET, 'bad.bin', uploadId, listed([2])))).toBe('ok');
    // Uploaded parts left out of the list are reclaimed.
    expect((await outboxRows(t.pool, ORG)).map((r) => r.blob_id)).toContain(records[0]!.blob.blobId);
  });

  it('publishes exactly one version when identical Completes race; each gets the same answer', async () => {
    const { uploadId, records } = await upload('race.bin', [1]);
    const req = { parts: [{ partNumber: 1, etag: records[0]!.etag, checksums: {} }] };
    const results = await Promise.all([1, 2, 3].map(() => t.client.completeUpload(token, BUCKET, 'race.bin', uploadId, req)));
    expect(new Set(results.map((v) => `${v.etag} ${v.versionId} ${v.lastModified}`)).size).toBe(1);
    const versions = await t.pool.query('SELECT count(*)::int AS n FROM object_versions WHERE org_id = $1 AND key = $2', [ORG, 'race.bin']);
    expect(versions.rows[0].n).toBe(1);
  });

  it('answers a retried Complete with the same parts as the first time, and only those parts', async () => {
    const { uploadId, records } = await upload('retry.bin', [1, 2], [MIN_PART_BYTES, 10]);
    const req = { parts: records.map((r) => ({ partNumber: r.partNumber, etag: r.etag, checksums: {} })) };
    const first = await t.client.completeUpload(token, BUCKET, 'retry.bin', uploadId, req);
    const again = await t.client.completeUpload(token, BUCKET, 'retry.bin', uploadId, req);
    expect(again).toMatchObject({ etag: first.etag, versionId: first.versionId, size: first.size, checksums: first.checksums });
    expect(await codeOf(t.client.completeUpload(token, BUCKET, 'retry.bin', uploadId, { parts: req.parts.slice(0, 1) }))).toBe('NoSuchUpload');
    expect(await codeOf(t.client.completeUpload(token, BUCKET, 'other-key.bin', uploadId, req))).toBe('NoSuchUpload');
    expect(await codeOf(t.client.abortUpload(token, BUCKET, 'retry.bin', uploadId))).toBe('NoSuchUpload');
  });

  it('honours If-None-Match: * against an existing object', async () => {
    const first = await upload('cond.bin', [1]);
    await t.client.completeUpload(token, BUCKET, 'cond.bin', first.uploadId, { parts: [{ partNumber: 1, etag: first.records[0]!.etag, checksums: {} }] });
    const second = await upload('cond.bin', [1]);
    const req = { parts: [{ partNumber: 1, etag: second.records[0]!.etag, checksums: {} }], ifNoneMatch: '*' };
    expect(await codeOf(t.client.completeUpload(token, BUCKET, 'cond.bin', second.uploadId, req))).toBe('PreconditionFailed');
  });
});

describe('parts and abort', () => {
  it('supersedes a re-uploaded part number, its old blob going to the outbox', async () => {
    const { uploadId, records } = await upload('re.bin', [1]);
    const again = await t.client.putPart(token, BUCKET, 're.bin', uploadId, part(1));
    const listed = await t.client.listParts(token, BUCKET, 're.bin', uploadId, { partNumberMarker: 0, maxParts: 1000 });
    expect(listed.parts.map((p) => p.etag)).toEqual([again.etag]);
    expect((await outboxRows(t.pool, ORG)).find((r) => r.blob_id === records[0]!.blob.blobId)?.reason).toBe('superseded-part');
  });

  it('pages ListParts with part-number-marker', async () => {
    const { uploadId } = await upload('many.bin', [1, 2, 3, 4, 5], [10, 10, 10, 10, 10]);
    const p1 = await t.client.listParts(token, BUCKET, 'many.bin', uploadId, { partNumberMarker: 0, maxParts: 2 });
    expect(p1.parts.map((p) => p.partNumber)).toEqual([1, 2]);
    expect(p1).toMatchObject({ isTruncated: true, nextPartNumberMarker: 2 });
    const p3 = await t.client.listParts(token, BUCKET, 'many.bin', uploadId, { partNumberMarker: 4, maxParts: 2 });
    expect(p3.parts.map((p) => p.partNumber)).toEqual([5]);
    expect(p3.isTruncated).toBe(false);
  });

  it('abort queues every part blob and then refuses further parts', async () => {
    const { uploadId, records } = await upload('abort.bin', [1, 2], [10, 10]);
    await t.client.abortUpload(token, BUCKET, 'abort.bin', uploadId);
    const outbox = (await outboxRows(t.pool, ORG)).map((r) => r.blob_id);
    for (const r of records) expect(outbox).toContain(r.blob.blobId);
    expect(await codeOf(t.client.putPart(token, BUCKET, 'abort.bin', uploadId, part(3)))).toBe('NoSuchUpload');
    expect(await codeOf(t.client.getUpload(token, BUCKET, 'abort.bin', uploadId))).toBe('NoSuchUpload');
  });

  it('never shows an upload under another key or to another org', async () => {
    const { uploadId } = await upload('mine.bin', [1]);
    expect(await codeOf(t.client.getUpload(token, BUCKET, 'other-key', uploadId))).toBe('NoSuchUpload');
    const other = await t.tokenFor('org-intruder');
    expect(await codeOf(t.client.getUpload(other, BUCKET, 'mine.bin', uploadId))).toBe('NoSuchBucket');
  });
});

describe('ListMultipartUploads', () => {
  it('lists uploads by key with delimiter roll-up and markers', async () => {
    const b = 'listing-uploads';
    await t.client.createBucket(token, b, {});
    const ids: Record<string, string> = {};
    for (const key of ['a/1', 'a/2', 'b', 'c', 'c']) {
      const u = await t.client.createUpload(token, b, { key, headers: {}, userMetadata: {} });
      ids[key] = u.uploadId;
    }
    const all = await t.client.listUploads(token, b, { maxUploads: 1000 });
    expect(all.uploads.map((u) => u.key)).toEqual(['a/1', 'a/2', 'b', 'c', 'c']);
    const folded = await t.client.listUploads(token, b, { delimiter: '/', maxUploads: 1000 });
    expect(folded.commonPrefixes).toEqual(['a/']);
    expect(folded.uploads.map((u) => u.key)).toEqual(['b', 'c', 'c']);
    const page1 = await t.client.listUploads(token, b, { maxUploads: 3 });
    expect(page1).toMatchObject({ isTruncated: true, nextKeyMarker: 'b' });
    const page2 = await t.client.listUploads(token, b, { maxUploads: 3, keyMarker: page1.nextKeyMarker, uploadIdMarker: page1.nextUploadIdMarker });
    expect(page2.uploads.map((u) => u.key)).toEqual(['c', 'c']);
    expect(page2.isTruncated).toBe(false);
  });
});

describe('parallel parts', () => {
  it('commits many parts of one upload concurrently without deadlock or loss', async () => {
    const u = await t.client.createUpload(token, BUCKET, { key: 'parallel.bin', headers: {}, userMetadata: {} });
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => codeOf(t.client.putPart(token, BUCKET, 'parallel.bin', u.uploadId, part(i + 1)))));
    expect(results.every((r) => r === 'ok')).toBe(true);
    const listed = await t.client.listParts(token, BUCKET, 'parallel.bin', u.uploadId, { partNumberMarker: 0, maxParts: 1000 });
    expect(listed.parts).toHaveLength(12);
  });
});
