import { codeOf, fakeContext } from '../testing/fake-context';
import { deleteObject } from './delete-object';
import { deleteObjects } from './delete-objects';
import { S3Error } from '@excloud/s3-protocol';
import { createHash } from 'node:crypto';

describe('deleteObject', () => {
  it('deletes the version the router parsed and reports a delete marker', async () => {
    const ctx = fakeContext('DeleteObject', 'DELETE /b/my-image.jpg?versionId=UIORUnfnd89493jJFJ', {
      metadata: {
        deleteObject: async (_t, b, k, v) => {
          expect([b, k, v]).toEqual(['b', 'my-image.jpg', 'UIORUnfnd89493jJFJ']);
          return { versionId: 'UIORUnfnd89493jJFJ', deleteMarker: true };
        },
      },
    });
    const result = await deleteObject(ctx);
    expect(result).toEqual({ status: 204, headers: { 'x-amz-version-id': 'UIORUnfnd89493jJFJ', 'x-amz-delete-marker': 'true' } });
  });
});

describe('deleteObjects', () => {
  const body = '<Delete><Object><Key>a</Key></Object><Object><Key>locked</Key></Object></Delete>';
  const md5 = createHash('md5').update(body).digest('base64');

  it('requires an integrity header', async () => {
    const ctx = fakeContext('DeleteObjects', 'POST /b?delete', { body });
    expect(await codeOf(deleteObjects(ctx))).toBe('InvalidRequest');
  });

  it('reports each key on its own: deleted, or an error for that key only', async () => {
    const ctx = fakeContext('DeleteObjects', 'POST /b?delete', {
      body,
      headers: { 'content-md5': md5 },
      metadata: {
        getBucket: async () => ({ name: 'b', createdAt: '', versioning: 'Unversioned', acl: 'private' }),
        deleteObject: async (_t, _b, key) => {
          if (key === 'locked') throw new S3Error('AccessDenied');
          return { deleteMarker: false };
        },
      },
    });
    const xml = (await deleteObjects(ctx)).xml ?? '';
    expect(xml).toContain('<Deleted><Key>a</Key></Deleted>');
    expect(xml).toContain('<Error><Key>locked</Key><Code>AccessDenied</Code>');
  });
});
