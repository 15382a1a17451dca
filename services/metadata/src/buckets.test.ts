import http from 'node:http';
import { codeOf, commitFor, startTestMetadata, type TestMetadata } from './test-support';

let t: TestMetadata;
let orgA: string;
let orgB: string;

beforeAll(async () => {
  t = await startTestMetadata();
  orgA = await t.tokenFor('org-a');
  orgB = await t.tokenFor('org-b');
});

afterAll(async () => {
  await t?.close();
});

describe('bucket CRUD', () => {
  it('creates, gets and lists buckets sorted by name', async () => {
    const created = await t.client.createBucket(orgA, 'zeta', { acl: 'public-read' });
    expect(created).toMatchObject({ name: 'zeta', versioning: 'Unversioned', acl: 'public-read' });
    expect(Date.parse(created.createdAt)).toBeGreaterThan(Date.now() - 60_000);
    await t.client.createBucket(orgA, 'alpha', {});

    expect(await t.client.getBucket(orgA, 'alpha')).toMatchObject({ name: 'alpha', acl: 'private', versioning: 'Unversioned' });
    expect((await t.client.listBuckets(orgA)).map((b) => b.name)).toEqual(['alpha', 'zeta']);
  });

  it('answers BucketAlreadyOwnedByYou for a second create by the same org', async () => {
    await t.client.createBucket(orgA, 'twice', {});
    expect(await codeOf(t.client.createBucket(orgA, 'twice', {}))).toBe('BucketAlreadyOwnedByYou');
  });

  it('answers NoSuchBucket for a missing bucket on every bucket operation', async () => {
    expect(await codeOf(t.client.getBucket(orgA, 'missing'))).toBe('NoSuchBucket');
    expect(await codeOf(t.client.deleteBucket(orgA, 'missing'))).toBe('NoSuchBucket');
    expect(await codeOf(t.client.putBucketVersioning(orgA, 'missing', 'Enabled'))).toBe('NoSuchBucket');
    expect(await codeOf(t.client.putObject(orgA, 'missing', commitFor('k')))).toBe('NoSuchBucket');
    expect(await codeOf(t.client.getObject(orgA, 'missing', 'k', undefined))).toBe('NoSuchBucket');
    expect(await codeOf(t.client.deleteObject(orgA, 'missing', 'k', undefined))).toBe('NoSuchBucket');
    expect(await codeOf(t.client.listObjects(orgA, 'missing', { maxKeys: 10 }))).toBe('NoSuchBucket');
  });

  it('deletes an empty bucket', async () => {
    await t.client.createBucket(orgA, 'short-lived', {});
    await t.client.deleteBucket(orgA, 'short-lived');
    expect(await codeOf(t.client.getBucket(orgA, 'short-lived'))).toBe('NoSuchBucket');
  });

  it('refuses to delete a bucket holding an object, then allows it once empty', async () => {
    await t.client.createBucket(orgA, 'full', {});
    await t.client.putObject(orgA, 'full', commitFor('file.txt'));
    expect(await codeOf(t.client.deleteBucket(orgA, 'full'))).toBe('BucketNotEmpty');
    await t.client.deleteObject(orgA, 'full', 'file.txt', undefined);
    await t.client.deleteBucket(orgA, 'full');
  });

  it('counts a lone delete marker as content (BucketNotEmpty)', async () => {
    await t.client.createBucket(orgA, 'markers', {});
    await t.client.putBucketVersioning(orgA, 'markers', 'Enabled');
    const marker = await t.client.deleteObject(orgA, 'markers', 'never-existed', undefined);
    expect(marker.deleteMarker).toBe(true);
    expect(await codeOf(t.client.deleteBucket(orgA, 'markers'))).toBe('BucketNotEmpty');
    await t.client.deleteObject(orgA, 'markers', 'never-existed', marker.versionId);
    await t.client.deleteBucket(orgA, 'markers');
  });

  it('sets versioning', async () => {
    await t.client.createBucket(orgA, 'versioned', {});
    await t.client.putBucketVersioning(orgA, 'versioned', 'Enabled');
    expect((await t.client.getBucket(orgA, 'versioned')).versioning).toBe('Enabled');
    await t.client.putBucketVersioning(orgA, 'versioned', 'Suspended');
    expect((await t.client.getBucket(orgA, 'versioned')).versioning).toBe('Suspended');
  });
});

describe('tenant isolation', () => {
  it('keeps same-named buckets of two orgs apart', async () => {
    await t.client.createBucket(orgA, 'shared-name', { acl: 'private' });
    // Names are unique per org only: org B may create its own bucket of the same name.
    await t.client.createBucket(orgB, 'shared-name', { acl: 'public-read' });
    await t.client.putObject(orgA, 'shared-name', commitFor('secret.txt'));

    expect((await t.client.getBucket(orgB, 'shared-name')).acl).toBe('public-read');
    expect(await codeOf(t.client.getObject(orgB, 'shared-name', 'secret.txt', undefined))).toBe('NoSuchKey');
    expect((await t.client.listObjects(orgB, 'shared-name', { maxKeys: 100 })).contents).toEqual([]);
    // B deleting its own (empty) bucket leaves A's untouched.
    await t.client.deleteBucket(orgB, 'shared-name');
    expect((await t.client.getObject(orgA, 'shared-name', 'secret.txt', undefined)).key).toBe('secret.txt');
  });

  it('never shows or touches another org\'s bucket', async () => {
    await t.client.createBucket(orgA, 'a-only', {});
    await t.client.putObject(orgA, 'a-only', commitFor('x'));
    expect((await t.client.listBuckets(orgB)).map((b) => b.name)).not.toContain('a-only');
    expect(await codeOf(t.client.getBucket(orgB, 'a-only'))).toBe('NoSuchBucket');
    expect(await codeOf(t.client.deleteBucket(orgB, 'a-only'))).toBe('NoSuchBucket');
    expect(await codeOf(t.client.putObject(orgB, 'a-only', commitFor('x')))).toBe('NoSuchBucket');
    expect(await codeOf(t.client.deleteObject(orgB, 'a-only', 'x', undefined))).toBe('NoSuchBucket');
    expect(await codeOf(t.client.listObjects(orgB, 'a-only', { maxKeys: 10 }))).toBe('NoSuchBucket');
    expect(await codeOf(t.client.putBucketVersioning(orgB, 'a-only', 'Enabled'))).toBe('NoSuchBucket');
    expect((await t.client.getBucket(orgA, 'a-only')).versioning).toBe('Unversioned');
  });
});

describe('internal token', () => {
  it('refuses calls without a token or with a forged one', async () => {
    expect(await codeOf(t.client.listBuckets(''))).toBe('AccessDenied');
    expect(await codeOf(t.client.listBuckets('not-a-jwt'))).toBe('AccessDenied');
  });

  it('serves health and readiness without a token', async () => {
    const body = await new Promise<string>((resolve, reject) => {
      http.get(`${t.baseUrl}/readyz`, (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => (res.statusCode === 200 ? resolve(text) : reject(new Error(`status ${res.statusCode}`))));
      }).on('error', reject);
    });
    expect(JSON.parse(body)).toMatchObject({ status: 'ready', service: 'metadata' });
  });
});
