import { createHash } from 'node:crypto';
import { S3Error } from '@excloud/s3-protocol';
import type { CompleteUploadRequest, UploadInfo } from '@excloud/contracts';
import { FakeBlobs, codeOf, fakeContext, objectVersion } from '../testing/fake-context';
import { abortMultipartUpload } from './abort-multipart-upload';
import { completeMultipartUpload } from './complete-multipart-upload';
import { createMultipartUpload } from './create-multipart-upload';
import { listParts } from './list-parts';
import { listMultipartUploads } from './list-multipart-uploads';
import { uploadPart } from './upload-part';
import { uploadPartCopy } from './upload-part-copy';

const upload = (over: Partial<UploadInfo> = {}): UploadInfo => ({ uploadId: 'u1', bucket: 'b', key: 'k', initiated: '2026-12-01T00:00:00.000Z', headers: {}, userMetadata: {}, ...over });
const part = (n: number) => ({ partNumber: n, size: 5, etag: `"e${n}"`, lastModified: '2026-12-01T00:00:00.000Z', checksums: {}, blob: { blobId: `p${n}`, size: 5, encryption: { keyId: 'k', wrappedKey: 'w', noncePrefix: 'n' } } });

describe('createMultipartUpload', () => {
  it('creates the upload and answers its id (AWS example)', async () => {
    const ctx = fakeContext('CreateMultipartUpload', 'POST /b/example-object?uploads', {
      headers: { 'x-amz-checksum-algorithm': 'crc32' },
      metadata: {
        createUpload: async (_t, bucket, req) => {
          expect(req).toMatchObject({ key: 'example-object', checksumAlgorithm: 'CRC32', checksumType: 'COMPOSITE' });
          return upload({ bucket, key: req.key, uploadId: 'VXBsb2FkIElE' });
        },
      },
    });
    const result = await createMultipartUpload(ctx);
    expect(result.xml).toContain('<UploadId>VXBsb2FkIElE</UploadId>');
    expect(result.headers).toMatchObject({ 'x-amz-checksum-algorithm': 'CRC32', 'x-amz-checksum-type': 'COMPOSITE' });
  });

  it('refuses FULL_OBJECT with a SHA algorithm and an unknown algorithm', async () => {
    const sha = fakeContext('CreateMultipartUpload', 'POST /b/k?uploads', { headers: { 'x-amz-checksum-algorithm': 'SHA256', 'x-amz-checksum-type': 'FULL_OBJECT' } });
    expect(await codeOf(createMultipartUpload(sha))).toBe('InvalidRequest');
    const md5 = fakeContext('CreateMultipartUpload', 'POST /b/k?uploads', { headers: { 'x-amz-checksum-algorithm': 'MD5' } });
    expect(await codeOf(createMultipartUpload(md5))).toBe('InvalidRequest');
  });
});

describe('uploadPart', () => {
  it('stores the part and records it with its ETag', async () => {
    const ctx = fakeContext('UploadPart', 'PUT /b/k?partNumber=3&uploadId=u1', {
      body: 'part3',
      metadata: {
        getUpload: async () => upload(),
        putPart: async (_t, _b, _k, uploadId, rec) => {
          expect(uploadId).toBe('u1');
          expect(rec.partNumber).toBe(3);
          return { ...part(3), etag: rec.etag, checksums: rec.checksums };
        },
      },
    });
    const result = await uploadPart(ctx);
    expect(result.headers?.etag).toBe(`"${createHash('md5').update('part3').digest('hex')}"`);
    expect(ctx.blobs.blobs.size).toBe(1);
  });

  it('answers NoSuchUpload without storing the body', async () => {
    const ctx = fakeContext('UploadPart', 'PUT /b/k?partNumber=1&uploadId=gone', {
      body: 'bytes',
      metadata: { getUpload: async () => Promise.reject(new S3Error('NoSuchUpload')) },
    });
    expect(await codeOf(uploadPart(ctx))).toBe('NoSuchUpload');
    expect(ctx.blobs.blobs.size).toBe(0);
  });

  it('discards the part blob when recording it fails', async () => {
    const ctx = fakeContext('UploadPart', 'PUT /b/k?partNumber=1&uploadId=u1', {
      body: 'bytes',
      metadata: { getUpload: async () => upload(), putPart: async () => Promise.reject(new S3Error('NoSuchUpload')) },
    });
    expect(await codeOf(uploadPart(ctx))).toBe('NoSuchUpload');
    expect(ctx.blobs.blobs.size).toBe(0);
    expect(ctx.blobs.deleted).toHaveLength(1);
  });
});

describe('uploadPartCopy', () => {
  it('copies the requested byte range of the source into a part', async () => {
    const blobs = new FakeBlobs();
    const src = blobs.seed(Buffer.from('0123456789'));
    const ctx = fakeContext('UploadPartCopy', 'PUT /b/k?partNumber=2&uploadId=u1', {
      blobs,
      headers: { 'x-amz-copy-source': '/src/a', 'x-amz-copy-source-range': 'bytes=2-5' },
      metadata: {
        getUpload: async () => upload(),
        getObject: async () => objectVersion({ size: 10, manifest: [src] }),
        putPart: async (_t, _b, _k, _u, rec) => ({ ...part(2), etag: rec.etag, size: rec.size }),
      },
    });
    const result = await uploadPartCopy(ctx);
    const copied = [...blobs.blobs.values()].map((b) => b.toString());
    expect(copied).toContain('2345');
    expect(result.xml).toContain('<CopyPartResult');
  });

  it('answers InvalidRange for a range past the end of the source', async () => {
    const blobs = new FakeBlobs();
    const src = blobs.seed(Buffer.from('0123'));
    const ctx = fakeContext('UploadPartCopy', 'PUT /b/k?partNumber=1&uploadId=u1', {
      blobs,
      headers: { 'x-amz-copy-source': 'src/a', 'x-amz-copy-source-range': 'bytes=0-9' },
      metadata: { getUpload: async () => upload(), getObject: async () => objectVersion({ size: 4, manifest: [src] }) },
    });
    expect(await codeOf(uploadPartCopy(ctx))).toBe('InvalidRange');
  });
});

describe('completeMultipartUpload', () => {
  it('sends the part list and answers the result document (AWS example)', async () => {
    let sent: CompleteUploadRequest | undefined;
    const ctx = fakeContext('CompleteMultipartUpload', 'POST /b/example-object?uploadId=AAAsb2FkIElE', {
      body: '<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>"a54357aff0632cce46d942af68356b38"</ETag></Part><Part><PartNumber>2</PartNumber><ETag>"0c78aef83f66abc1fa1e8477f296d394"</ETag></Part></CompleteMultipartUpload>',
      metadata: {
        completeUpload: async (_t, _b, _k, uploadId, req) => {
          expect(uploadId).toBe('AAAsb2FkIElE');
          sent = req;
          return objectVersion({ etag: '"3858f62230ac3c915f300c664312c11f-2"' });
        },
      },
    });
    const result = await completeMultipartUpload(ctx);
    expect(sent?.parts.map((p) => p.partNumber)).toEqual([1, 2]);
    expect(result.xml).toContain('<ETag>&quot;3858f62230ac3c915f300c664312c11f-2&quot;</ETag>');
    expect(result.xml).toContain('<Key>example-object</Key>');
  });
});

describe('abortMultipartUpload', () => {
  it('aborts the named upload and answers 204', async () => {
    const calls: string[] = [];
    const ctx = fakeContext('AbortMultipartUpload', 'DELETE /b/example-object?uploadId=VXBsb2FkIElE', {
      metadata: { abortUpload: async (_t, b, k, u) => void calls.push(`${b}/${k}/${u}`) },
    });
    expect((await abortMultipartUpload(ctx)).status).toBe(204);
    expect(calls).toEqual(['b/example-object/VXBsb2FkIElE']);
  });
});

describe('listParts and listMultipartUploads', () => {
  it('lists parts with the marker and limit the router parsed', async () => {
    const ctx = fakeContext('ListParts', 'GET /b/k?uploadId=u1&max-parts=2&part-number-marker=1', {
      metadata: {
        listParts: async (_t, _b, _k, _u, q) => {
          expect(q).toEqual({ partNumberMarker: 1, maxParts: 2 });
          return { upload: upload(), parts: [part(2), part(3)], isTruncated: true, nextPartNumberMarker: 3 };
        },
      },
    });
    const xml = (await listParts(ctx)).xml ?? '';
    expect(xml).toContain('<NextPartNumberMarker>3</NextPartNumberMarker>');
    expect(xml).toContain('<MaxParts>2</MaxParts>');
    expect(xml.match(/<Part>/g)).toHaveLength(2);
  });

  it('url-encodes keys when asked', async () => {
    const ctx = fakeContext('ListMultipartUploads', 'GET /b?uploads&encoding-type=url', {
      metadata: { listUploads: async () => ({ uploads: [{ key: 'a b', uploadId: 'u1', initiated: '2026-12-01T00:00:00.000Z' }], commonPrefixes: [], isTruncated: false }) },
    });
    expect((await listMultipartUploads(ctx)).xml).toContain('<Key>a+b</Key>');
  });
});
