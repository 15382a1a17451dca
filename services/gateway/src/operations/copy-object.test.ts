import { S3Error } from '@excloud/s3-protocol';
import type { PutObjectCommit } from '@excloud/contracts';
import { FakeBlobs, codeOf, fakeContext, objectVersion } from '../testing/fake-context';
import { copyObject } from './copy-object';

function source(blobs: FakeBlobs, text: string) {
  const part = blobs.seed(Buffer.from(text));
  return objectVersion({ bucket: 'src', key: 'a', size: text.length, versionId: 'sv1', etag: '"src-etag"', headers: { contentType: 'text/plain' }, userMetadata: { m: '1' }, manifest: [part] });
}

describe('copyObject', () => {
  it('streams the source into a new blob and commits it with the source metadata (COPY)', async () => {
    const blobs = new FakeBlobs();
    const src = source(blobs, 'copy me');
    let commit: PutObjectCommit | undefined;
    const ctx = fakeContext('CopyObject', 'PUT /copy-ok/b', {
      blobs,
      headers: { 'x-amz-copy-source': '/src/a?versionId=sv1' },
      metadata: {
        getObject: async (_t, bucket, key, versionId) => {
          expect([bucket, key, versionId]).toEqual(['src', 'a', 'sv1']);
          return src;
        },
        getBucket: async () => ({ name: 'copy-ok', createdAt: '', versioning: 'Unversioned', acl: 'private' }),
        putObject: async (_t, _b, c) => {
          commit = c;
          return objectVersion({ etag: c.etag, lastModified: '2026-12-01T01:02:03.000Z' });
        },
      },
    });
    const result = await copyObject(ctx);
    expect(commit).toMatchObject({ key: 'b', size: 7, headers: { contentType: 'text/plain' }, userMetadata: { m: '1' } });
    expect(blobs.blobs.get(commit?.manifest[0]?.blobId ?? '')?.toString()).toBe('copy me');
    expect(result.xml).toContain('<CopyObjectResult');
    expect(result.xml).toContain('<LastModified>2026-12-01T01:02:03.000Z</LastModified>');
    expect(result.headers?.['x-amz-copy-source-version-id']).toBe('sv1');
  });

  it('refuses copying an object onto itself without REPLACE', async () => {
    const blobs = new FakeBlobs();
    const src = source(blobs, 'x');
    const ctx = fakeContext('CopyObject', 'PUT /src/a', { blobs, headers: { 'x-amz-copy-source': 'src/a' }, metadata: { getObject: async () => src } });
    expect(await codeOf(copyObject(ctx))).toBe('InvalidRequest');
  });

  it('discards the new blob when the commit fails', async () => {
    const blobs = new FakeBlobs();
    const src = source(blobs, 'bytes');
    const ctx = fakeContext('CopyObject', 'PUT /copy-fail/b', {
      blobs,
      headers: { 'x-amz-copy-source': 'src/a', 'x-amz-metadata-directive': 'REPLACE' },
      metadata: {
        getObject: async () => src,
        getBucket: async () => ({ name: 'copy-fail', createdAt: '', versioning: 'Unversioned', acl: 'private' }),
        putObject: async () => Promise.reject(new S3Error('PreconditionFailed')),
      },
    });
    expect(await codeOf(copyObject(ctx))).toBe('PreconditionFailed');
    expect(blobs.deleted).toHaveLength(1);
    expect(blobs.blobs.size).toBe(1); // only the source remains
  });

  it('answers InvalidArgument for an unknown metadata directive', async () => {
    const ctx = fakeContext('CopyObject', 'PUT /b/k', { headers: { 'x-amz-copy-source': 'src/a', 'x-amz-metadata-directive': 'MERGE' } });
    expect(await codeOf(copyObject(ctx))).toBe('InvalidArgument');
  });
});
