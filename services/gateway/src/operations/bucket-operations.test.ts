import { S3Error } from '@excloud/s3-protocol';
import { codeOf, fakeContext } from '../testing/fake-context';
import { getBucketVersioning, putBucketVersioning } from './bucket-versioning';
import { createBucket } from './create-bucket';
import { deleteBucket } from './delete-bucket';
import { getBucketLocation } from './get-bucket-location';
import { headBucket } from './head-bucket';
import { listBuckets } from './list-buckets';

const info = (over = {}) => ({ name: 'b', createdAt: '2026-12-01T00:00:00.000Z', versioning: 'Unversioned' as const, acl: 'private', ...over });

describe('bucket operations', () => {
  it('createBucket: canned ACL, Location header, any location constraint', async () => {
    const ctx = fakeContext('CreateBucket', 'PUT /my-bucket', {
      headers: { 'x-amz-acl': 'public-read' },
      body: '<CreateBucketConfiguration><LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>',
      metadata: {
        createBucket: async (_t, name, opts) => {
          expect([name, opts.acl]).toEqual(['my-bucket', 'public-read']);
          return info({ name });
        },
      },
    });
    expect((await createBucket(ctx)).headers).toEqual({ location: '/my-bucket' });
  });

  it('createBucket: refuses an invalid name and a body that is not XML', async () => {
    expect(await codeOf(createBucket(fakeContext('CreateBucket', 'PUT /Bad_Name')))).toBe('InvalidBucketName');
    expect(await codeOf(createBucket(fakeContext('CreateBucket', 'PUT /good-name', { body: 'not xml <' })))).toBe('MalformedXML');
  });

  it('deleteBucket answers 204; headBucket names the region; getBucketLocation answers it', async () => {
    expect((await deleteBucket(fakeContext('DeleteBucket', 'DELETE /b', { metadata: { deleteBucket: async () => undefined } }))).status).toBe(204);
    expect((await headBucket(fakeContext('HeadBucket', 'HEAD /b', { metadata: { getBucket: async () => info() } }))).headers).toEqual({ 'x-amz-bucket-region': 'auto' });
    const location = await getBucketLocation(fakeContext('GetBucketLocation', 'GET /b?location', { metadata: { getBucket: async () => info() } }));
    expect(location.xml).toMatch(/<LocationConstraint xmlns="http:\/\/s3.amazonaws.com\/doc\/2006-03-01\/">auto<\/LocationConstraint>$/);
  });

  it('headBucket passes on NoSuchBucket', async () => {
    const ctx = fakeContext('HeadBucket', 'HEAD /gone', { metadata: { getBucket: async () => Promise.reject(new S3Error('NoSuchBucket')) } });
    expect(await codeOf(headBucket(ctx))).toBe('NoSuchBucket');
  });

  it('listBuckets names the owner and every bucket', async () => {
    const ctx = fakeContext('ListBuckets', 'GET /', { metadata: { listBuckets: async () => [info({ name: 'a' }), info({ name: 'c' })] } });
    const xml = (await listBuckets(ctx)).xml ?? '';
    expect(xml).toContain('<Owner><ID>c0ffee</ID><DisplayName>acme</DisplayName></Owner>');
    expect(xml.match(/<Name>/g)).toHaveLength(2);
  });

  it('bucket versioning: empty configuration when never set; Enabled/Suspended only', async () => {
    const get = await getBucketVersioning(fakeContext('GetBucketVersioning', 'GET /b?versioning', { metadata: { getBucket: async () => info() } }));
    expect(get.xml).toMatch(/<VersioningConfiguration xmlns="[^"]+"\/>|<VersioningConfiguration xmlns="[^"]+"><\/VersioningConfiguration>/);
    const set: string[] = [];
    const put = fakeContext('PutBucketVersioning', 'PUT /b?versioning', {
      body: '<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>',
      metadata: { putBucketVersioning: async (_t, _b, status) => void set.push(status) },
    });
    await putBucketVersioning(put);
    expect(set).toEqual(['Enabled']);
    const bad = fakeContext('PutBucketVersioning', 'PUT /b?versioning', { body: '<VersioningConfiguration><Status>On</Status></VersioningConfiguration>' });
    expect(await codeOf(putBucketVersioning(bad))).toBe('MalformedXML');
  });
});
