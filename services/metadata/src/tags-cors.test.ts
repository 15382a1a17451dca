import type { CorsRule } from '@excloud/contracts';
import { codeOf, commitFor, startTestMetadata, type TestMetadata } from './test-support';

let t: TestMetadata;
let token: string;
let other: string;
const BUCKET = 'tags-cors';

beforeAll(async () => {
  t = await startTestMetadata();
  token = await t.tokenFor('org-tags');
  other = await t.tokenFor('org-tags-other');
  await t.client.createBucket(token, BUCKET, {});
  await t.client.createBucket(other, BUCKET, {});
});

afterAll(async () => {
  await t?.close();
});

describe('object tags', () => {
  it('are published with a version and replaced per version, never across orgs', async () => {
    const v = await t.client.putObject(token, BUCKET, commitFor('k', { tags: [{ key: 'a', value: '1' }] }));
    expect(v.tags).toEqual([{ key: 'a', value: '1' }]);
    expect((await t.client.getObject(token, BUCKET, 'k', undefined)).tags).toEqual([{ key: 'a', value: '1' }]);
    expect(await t.client.putObjectTags(token, BUCKET, 'k', undefined, [{ key: 'b', value: '2' }])).toEqual({ versionId: 'null' });
    expect(await t.client.getObjectTags(token, BUCKET, 'k', undefined)).toEqual({ versionId: 'null', tags: [{ key: 'b', value: '2' }] });
    await t.client.putObjectTags(token, BUCKET, 'k', undefined, []);
    expect((await t.client.getObject(token, BUCKET, 'k', undefined)).tags).toBeUndefined();
    // The other org has a bucket of the same name, without this key.
    expect(await codeOf(t.client.getObjectTags(other, BUCKET, 'k', undefined))).toBe('NoSuchKey');
    expect(await codeOf(t.client.putObjectTags(token, BUCKET, 'missing', undefined, []))).toBe('NoSuchKey');
    expect(await codeOf(t.client.getObjectTags(token, 'no-bucket', 'k', undefined))).toBe('NoSuchBucket');
  });

  it('refuse a malformed tag set at the wire', async () => {
    const eleven = Array.from({ length: 11 }, (_, i) => ({ key: `k${i}`, value: 'v' }));
    expect(await codeOf(t.client.putObject(token, BUCKET, commitFor('many', { tags: eleven })))).toBe('InvalidTag');
  });
});

describe('bucket CORS rules', () => {
  const rules: CorsRule[] = [{ allowedOrigins: ['*'], allowedMethods: ['GET'], allowedHeaders: [], exposeHeaders: ['ETag'], maxAgeSeconds: 60 }];

  it('are stored per org and removed with null', async () => {
    expect(await t.client.getBucketCors(token, BUCKET)).toBeNull();
    await t.client.putBucketCors(token, BUCKET, rules);
    expect(await t.client.getBucketCors(token, BUCKET)).toEqual(rules);
    expect(await t.client.getBucketCors(other, BUCKET)).toBeNull();
    await t.client.putBucketCors(token, BUCKET, null);
    expect(await t.client.getBucketCors(token, BUCKET)).toBeNull();
    expect(await codeOf(t.client.getBucketCors(token, 'no-bucket'))).toBe('NoSuchBucket');
    expect(await codeOf(t.client.putBucketCors(token, BUCKET, [{ ...rules[0]!, allowedMethods: ['PATCH' as 'GET'] }]))).toBe('MalformedXML');
  });
});
