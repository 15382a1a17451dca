import type { ListObjectsQuery } from '@excloud/contracts';
import { encodeContinuationToken } from '../query-params';
import { codeOf, fakeContext } from '../testing/fake-context';
import { listObjectVersions } from './list-object-versions';
import { listObjects } from './list-objects';
import { listObjectsV2 } from './list-objects-v2';

const page = { contents: [{ key: 'photos/a b.jpg', size: 3, etag: '"e"', lastModified: '2026-12-01T00:00:00.000Z' }], commonPrefixes: ['photos/2006/'], isTruncated: true, lastReturned: 'photos/2006/' };

describe('listObjectsV2', () => {
  it('continues after the token and hands out the next one (AWS example)', async () => {
    let asked: ListObjectsQuery | undefined;
    const token = encodeContinuationToken('photos/2005/');
    const ctx = fakeContext('ListObjectsV2', `GET /b?list-type=2&max-keys=2&delimiter=/&continuation-token=${token}`, {
      metadata: {
        listObjects: async (_t, _b, q) => {
          asked = q;
          return page;
        },
      },
    });
    const xml = (await listObjectsV2(ctx)).xml ?? '';
    expect(asked).toEqual({ prefix: '', delimiter: '/', maxKeys: 2, startAfter: 'photos/2005/' });
    expect(xml).toContain(`<ContinuationToken>${token}</ContinuationToken>`);
    expect(xml).toContain(`<NextContinuationToken>${encodeContinuationToken('photos/2006/')}</NextContinuationToken>`);
    expect(xml).toContain('<KeyCount>2</KeyCount>');
    expect(xml).not.toContain('<Owner>');
  });

  it('max-keys=0 only checks the bucket exists', async () => {
    const ctx = fakeContext('ListObjectsV2', 'GET /b?list-type=2&max-keys=0', {
      metadata: { getBucket: async () => ({ name: 'b', createdAt: '', versioning: 'Unversioned', acl: 'private' }) },
    });
    expect((await listObjectsV2(ctx)).xml).toContain('<KeyCount>0</KeyCount>');
  });

  it('url-encodes keys with encoding-type=url', async () => {
    const ctx = fakeContext('ListObjectsV2', 'GET /b?list-type=2&encoding-type=url&fetch-owner=true', { metadata: { listObjects: async () => page } });
    const xml = (await listObjectsV2(ctx)).xml ?? '';
    expect(xml).toContain('<Key>photos/a+b.jpg</Key>');
    expect(xml).toContain('<ID>c0ffee</ID>');
  });
});

describe('listObjects (v1)', () => {
  it('returns NextMarker only with a delimiter', async () => {
    const withDelimiter = fakeContext('ListObjects', 'GET /b?delimiter=/&marker=m', { metadata: { listObjects: async () => page } });
    expect((await listObjects(withDelimiter)).xml).toContain('<NextMarker>photos/2006/</NextMarker>');
    const without = fakeContext('ListObjects', 'GET /b', { metadata: { listObjects: async () => page } });
    expect((await listObjects(without)).xml).not.toContain('<NextMarker>');
  });
});

describe('listObjectVersions', () => {
  it('refuses a version-id marker without a key marker', async () => {
    const ctx = fakeContext('ListObjectVersions', 'GET /b?versions&version-id-marker=v1');
    expect(await codeOf(listObjectVersions(ctx))).toBe('InvalidArgument');
  });

  it('separates versions from delete markers', async () => {
    const v = { key: 'k', size: 1, etag: '"e"', lastModified: '2026-12-01T00:00:00.000Z' };
    const ctx = fakeContext('ListObjectVersions', 'GET /b?versions', {
      metadata: {
        listVersions: async () => ({
          versions: [
            { ...v, versionId: 'v2', isLatest: true, isDeleteMarker: true },
            { ...v, versionId: 'v1', isLatest: false, isDeleteMarker: false },
          ],
          commonPrefixes: [],
          isTruncated: false,
        }),
      },
    });
    const xml = (await listObjectVersions(ctx)).xml ?? '';
    expect(xml).toMatch(/<Version><Key>k<\/Key><VersionId>v1<\/VersionId>/);
    expect(xml).toMatch(/<DeleteMarker><Key>k<\/Key><VersionId>v2<\/VersionId>/);
  });
});
