import { createHash } from 'node:crypto';
import { S3Error } from '@excloud/s3-protocol';
import type { PutObjectCommit } from '@excloud/contracts';
import { codeOf, fakeContext, objectVersion } from '../testing/fake-context';
import { putObject } from './put-object';

const md5b64 = (s: string) => createHash('md5').update(s).digest('base64');
const md5hex = (s: string) => createHash('md5').update(s).digest('hex');

describe('putObject', () => {
  it('stores the body as a blob, then commits a version naming it', async () => {
    let commit: PutObjectCommit | undefined;
    const ctx = fakeContext('PutObject', 'PUT /put-ok/my-image.jpg', {
      body: 'hello',
      headers: { 'content-type': 'image/jpeg', 'x-amz-meta-color': 'blue', 'content-md5': md5b64('hello') },
      metadata: {
        getBucket: async () => ({ name: 'put-ok', createdAt: '', versioning: 'Enabled', acl: 'private' }),
        putObject: async (_t, bucket, c) => {
          expect(bucket).toBe('put-ok');
          commit = c;
          return objectVersion({ etag: c.etag, versionId: 'v1' });
        },
      },
    });
    const result = await putObject(ctx);
    expect(commit).toMatchObject({ key: 'my-image.jpg', size: 5, etag: `"${md5hex('hello')}"`, headers: { contentType: 'image/jpeg' }, userMetadata: { color: 'blue' } });
    const blobId = commit?.manifest[0]?.blobId ?? '';
    expect(ctx.blobs.blobs.get(blobId)?.toString()).toBe('hello');
    expect(result.headers).toMatchObject({ etag: `"${md5hex('hello')}"`, 'x-amz-version-id': 'v1', 'x-amz-server-side-encryption': 'AES256' });
  });

  it('refuses a missing bucket before reading the body', async () => {
    const ctx = fakeContext('PutObject', 'PUT /put-missing/k', {
      body: 'bytes',
      metadata: { getBucket: async () => Promise.reject(new S3Error('NoSuchBucket')) },
    });
    expect(await codeOf(putObject(ctx))).toBe('NoSuchBucket');
    expect(ctx.blobs.blobs.size).toBe(0);
  });

  it('answers BadDigest on a Content-MD5 mismatch and discards the blob', async () => {
    const ctx = fakeContext('PutObject', 'PUT /put-md5/k', {
      body: 'hello',
      headers: { 'content-md5': md5b64('other') },
      metadata: { getBucket: async () => ({ name: 'put-md5', createdAt: '', versioning: 'Unversioned', acl: 'private' }) },
    });
    expect(await codeOf(putObject(ctx))).toBe('BadDigest');
    expect(ctx.blobs.blobs.size).toBe(0);
    expect(ctx.blobs.deleted).toHaveLength(1);
  });

  it('discards the blob when the commit is refused, and logs a discard that fails', async () => {
    const ctx = fakeContext('PutObject', 'PUT /put-412/k', {
      body: 'hello',
      headers: { 'if-none-match': '*' },
      metadata: {
        getBucket: async () => ({ name: 'put-412', createdAt: '', versioning: 'Unversioned', acl: 'private' }),
        putObject: async (_t, _b, c) => {
          expect(c.ifNoneMatch).toBe('*');
          throw new S3Error('PreconditionFailed');
        },
      },
    });
    ctx.blobs.deleteFailure = new Error('blob service down');
    expect(await codeOf(putObject(ctx))).toBe('PreconditionFailed');
    expect(ctx.logs.join('')).toContain('could not discard unreferenced blob');
  });

  it.each([new S3Error('ServiceUnavailable'), new S3Error('InternalError'), new Error('socket hang up')])(
    'keeps the blob when the commit may have happened (%s): the orphan sweep decides',
    async (failure) => {
      const ctx = fakeContext('PutObject', 'PUT /put-lost/k', {
        body: 'hello',
        metadata: {
          getBucket: async () => ({ name: 'put-lost', createdAt: '', versioning: 'Unversioned', acl: 'private' }),
          putObject: async () => Promise.reject(failure),
        },
      });
      await expect(putObject(ctx)).rejects.toBe(failure);
      expect(ctx.blobs.deleted).toHaveLength(0);
      expect(ctx.blobs.blobs.size).toBe(1);
    },
  );

  it('refuses an invalid Content-MD5 before storing anything', async () => {
    const ctx = fakeContext('PutObject', 'PUT /put-bad-md5/k', { body: 'x', headers: { 'content-md5': 'not-base64-md5' } });
    expect(await codeOf(putObject(ctx))).toBe('InvalidDigest');
    expect(ctx.blobs.blobs.size).toBe(0);
  });
});
