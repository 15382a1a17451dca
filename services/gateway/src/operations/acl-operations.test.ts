import type { AclSetting } from '@excloud/contracts';
import { codeOf, fakeContext, objectVersion } from '../testing/fake-context';
import { getBucketAcl } from './get-bucket-acl';
import { getObjectAcl } from './get-object-acl';
import { putBucketAcl } from './put-bucket-acl';
import { putObjectAcl } from './put-object-acl';

describe('ACL operations', () => {
  it('getBucketAcl renders the owner and a public-read grant', async () => {
    const ctx = fakeContext('GetBucketAcl', 'GET /b?acl', {
      metadata: { getBucket: async () => ({ name: 'b', createdAt: '', versioning: 'Unversioned', acl: 'public-read' }) },
    });
    const xml = (await getBucketAcl(ctx)).xml ?? '';
    expect(xml).toContain('<ID>c0ffee</ID>');
    expect(xml).toContain('http://acs.amazonaws.com/groups/global/AllUsers');
  });

  it('getObjectAcl reads the version the router parsed and echoes its id', async () => {
    const ctx = fakeContext('GetObjectAcl', 'GET /b/my-image.jpg?acl&versionId=v3', {
      metadata: {
        getObject: async (_t, _b, _k, versionId) => {
          expect(versionId).toBe('v3');
          return objectVersion({ versionId: 'v3', acl: 'private' });
        },
      },
    });
    const result = await getObjectAcl(ctx);
    expect(result.headers?.['x-amz-version-id']).toBe('v3');
    expect(result.xml).toContain('<Permission>FULL_CONTROL</Permission>');
  });

  it('putBucketAcl and putObjectAcl store a canned ACL', async () => {
    const set: Array<[string, string | undefined, AclSetting]> = [];
    const bucket = fakeContext('PutBucketAcl', 'PUT /b?acl', {
      headers: { 'x-amz-acl': 'public-read' },
      metadata: { putBucketAcl: async (_t, b, s) => void set.push([b, undefined, s]) },
    });
    await putBucketAcl(bucket);
    const object = fakeContext('PutObjectAcl', 'PUT /b/k?acl&versionId=v1', {
      headers: { 'x-amz-acl': 'private' },
      metadata: { putObjectAcl: async (_t, b, k, v, s) => void set.push([`${b}/${k}`, v, s]) },
    });
    await putObjectAcl(object);
    expect(set).toEqual([
      ['b', undefined, { acl: 'public-read' }],
      ['b/k', 'v1', { acl: 'private' }],
    ]);
  });

  it('putBucketAcl refuses a request with neither header nor body', async () => {
    expect(await codeOf(putBucketAcl(fakeContext('PutBucketAcl', 'PUT /b?acl')))).toBe('MissingSecurityHeader');
  });
});
