import { Readable } from 'node:stream';
import type { CorsRule, ObjectTag, PutObjectCommit } from '@excloud/contracts';
import { S3Error } from '@excloud/s3-protocol';
import { codeOf, fakeContext, objectVersion } from '../testing/fake-context';
import { copyObject } from './copy-object';
import { corsPreflight } from './cors-preflight';
import { getObject } from './get-object';
import { postObject } from './post-object';
import { putObjectTagging } from './put-object-tagging';

const RULES: CorsRule[] = [{ allowedOrigins: ['https://app.example'], allowedMethods: ['PUT'], allowedHeaders: ['*'], exposeHeaders: [] }];

describe('corsPreflight', () => {
  const preflight = (headers: Record<string, string>, rules: CorsRule[] | null = RULES) =>
    corsPreflight(fakeContext('CorsPreflight', 'OPTIONS /b/k', { headers, metadata: { getBucketCors: async () => rules } }));

  it('answers from the first matching rule', async () => {
    const result = await preflight({ origin: 'https://app.example', 'access-control-request-method': 'PUT', 'access-control-request-headers': 'x-amz-date' });
    expect(result.headers).toMatchObject({ 'access-control-allow-origin': 'https://app.example', 'access-control-allow-headers': 'x-amz-date' });
  });

  it('refuses as S3 does, before and after reading the rules', async () => {
    expect(await codeOf(preflight({ 'access-control-request-method': 'PUT' }))).toBe('BadRequest');
    expect(await codeOf(preflight({ origin: 'https://app.example' }))).toBe('BadRequest');
    expect(await codeOf(preflight({ origin: 'https://app.example', 'access-control-request-method': 'GET' }))).toBe('AccessForbidden');
    const disabled = preflight({ origin: 'https://app.example', 'access-control-request-method': 'PUT' }, null);
    await expect(disabled).rejects.toMatchObject({ message: 'CORSResponse: CORS is not enabled for this bucket.', fields: { Method: 'PUT', ResourceType: 'OBJECT' } });
  });
});

describe('tags on object operations', () => {
  it('PutObjectTagging sends the parsed set and names the version', async () => {
    let sent: ObjectTag[] | undefined;
    const ctx = fakeContext('PutObjectTagging', 'PUT /b/k?tagging', {
      body: '<Tagging><TagSet><Tag><Key>a</Key><Value>1</Value></Tag></TagSet></Tagging>',
      metadata: { putObjectTags: async (_t, _b, _k, _v, tags) => ((sent = tags), { versionId: 'v9' }) },
    });
    expect((await putObjectTagging(ctx)).headers).toEqual({ 'x-amz-version-id': 'v9' });
    expect(sent).toEqual([{ key: 'a', value: '1' }]);
  });

  it('GetObject counts tags for the owner only', async () => {
    const version = objectVersion({ tags: [{ key: 'a', value: '1' }] });
    const ctx = fakeContext('GetObject', 'GET /b/k', { metadata: { getObject: async () => version } });
    expect((await getObject(ctx)).headers?.['x-amz-tagging-count']).toBe('1');
    const anon = fakeContext('GetObject', 'GET /b/k', { metadata: { getObject: async () => version } });
    anon.caller = { anonymous: true, orgId: anon.caller.orgId, token: 't' };
    expect((await getObject(anon)).headers?.['x-amz-tagging-count']).toBeUndefined();
  });

  it('CopyObject keeps the source tags unless the directive is REPLACE', async () => {
    const commits: PutObjectCommit[] = [];
    const copy = async (headers: Record<string, string>) => {
      const ctx = fakeContext('CopyObject', 'PUT /b/dst', {
        headers: { 'x-amz-copy-source': '/b/src', ...headers },
        metadata: {
          getObject: async () => objectVersion({ tags: [{ key: 'from', value: 'src' }] }),
          getBucket: async () => ({ name: 'b', createdAt: '', versioning: 'Unversioned', acl: 'private' }),
          putObject: async (_t, _b, c) => (commits.push(c), objectVersion()),
        },
      });
      return copyObject(ctx);
    };
    await copy({ 'x-amz-tagging': 'ignored=1' });
    await copy({ 'x-amz-tagging-directive': 'REPLACE', 'x-amz-tagging': 'new=1' });
    expect(commits.map((c) => c.tags)).toEqual([[{ key: 'from', value: 'src' }], [{ key: 'new', value: '1' }]]);
  });
});

describe('postObject', () => {
  const policy = (conditions: unknown[]) => Buffer.from(JSON.stringify({ expiration: '2999-01-01T00:00:00Z', conditions })).toString('base64');

  it('substitutes ${filename}, honours the policy and discards the blob of a refused commit', async () => {
    const ctx = fakeContext('PostObject', 'POST /b', {
      metadata: {
        getBucket: async () => ({ name: 'b', createdAt: '', versioning: 'Unversioned', acl: 'private' }),
        putObject: async () => Promise.reject(new S3Error('NoSuchBucket')),
      },
    });
    ctx.form = {
      fields: new Map([
        ['key', 'in/${filename}'],
        ['policy', policy([{ bucket: 'b' }, ['starts-with', '$key', 'in/']])],
      ]),
      file: { stream: Readable.from([Buffer.from('data')]), filename: 'a.txt' },
    };
    expect(await codeOf(postObject(ctx))).toBe('NoSuchBucket');
    expect(ctx.blobs.deleted).toHaveLength(1);
  });
});
