import { Readable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlobNotFoundError } from './backend';
import { createFakeS3, s3Error, type FakeS3 } from './fake-s3';
import { S3Backend } from './s3';
import type { UploadTuning } from './s3-upload';

const MiB = 1024 * 1024;
let spoolDir: string;
let fake: FakeS3;

beforeEach(async () => {
  spoolDir = await mkdtemp(join(tmpdir(), 'excloud-s3-spool-'));
  fake = createFakeS3('bkt');
});
afterEach(async () => {
  // Spool files must never outlive a put, whatever happened.
  expect(await readdir(spoolDir)).toEqual([]);
  await rm(spoolDir, { recursive: true, force: true });
});

function backend(tuning: Partial<UploadTuning> = {}): S3Backend {
  return new S3Backend({ client: fake.client, bucket: 'bkt', prefix: 'blobs/', spoolDir, tuning });
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

const names = (): string[] => fake.calls.map((c) => c.name);

describe('S3Backend (against an in-process fake)', () => {
  it('puts with a known ContentLength under the prefix and reads back', async () => {
    const data = randomBytes(300_000);
    await expect(backend().put({ id: 'o/d/x', body: Readable.from([data.subarray(0, 7), data.subarray(7)]) })).resolves.toEqual({ size: data.length });
    const put = fake.calls.find((c) => c.name === 'PutObject')!;
    expect(put.input).toMatchObject({ Bucket: 'bkt', Key: 'blobs/o/d/x', ContentLength: data.length });
    expect(fake.objects.get('blobs/o/d/x')!.data.equals(data)).toBe(true);
    expect((await readAll(await backend().get({ id: 'o/d/x' }))).equals(data)).toBe(true);
    expect(await backend().head({ id: 'o/d/x' })).toMatchObject({ size: data.length });
  });

  it('puts an empty blob', async () => {
    await expect(backend().put({ id: 'o/d/e', body: Readable.from([]) })).resolves.toEqual({ size: 0 });
    expect(fake.objects.get('blobs/o/d/e')!.data).toHaveLength(0);
  });

  it('uses multipart above the threshold: ordered parts, then complete', async () => {
    const data = randomBytes(12 * MiB);
    await backend({ multipartThreshold: MiB, partSize: MiB }).put({ id: 'o/d/big', body: Readable.from([data]) });
    expect(names().filter((n) => n !== 'UploadPart')).toEqual(['CreateMultipartUpload', 'CompleteMultipartUpload']);
    // partSize is raised to S3's 5 MiB minimum: 5 + 5 + 2
    const parts = fake.calls.filter((c) => c.name === 'UploadPart').map((c) => [c.input.PartNumber, c.input.ContentLength]);
    expect(parts.sort()).toEqual([[1, 5 * MiB], [2, 5 * MiB], [3, 2 * MiB]]);
    expect(fake.objects.get('blobs/o/d/big')!.data.equals(data)).toBe(true);
  });

  it('aborts the multipart upload when a part fails for good', async () => {
    fake.failWhen = (name, input) => (name === 'UploadPart' && input.PartNumber === 2 ? s3Error('AccessDenied', 403) : undefined);
    await expect(backend({ multipartThreshold: MiB, partSize: MiB }).put({ id: 'o/d/big', body: Readable.from([randomBytes(11 * MiB)]) })).rejects.toThrow('AccessDenied');
    expect(names()).toContain('AbortMultipartUpload');
    expect(names()).not.toContain('CompleteMultipartUpload');
    expect(fake.objects.size).toBe(0);
  });

  it('retries transient failures with a fresh body, but not client errors', async () => {
    let failures = 1;
    fake.failWhen = (name) => (name === 'PutObject' && failures-- > 0 ? s3Error('SlowDown', 503) : undefined);
    const data = randomBytes(100_000);
    await backend().put({ id: 'o/d/r', body: Readable.from([data]) });
    expect(names().filter((n) => n === 'PutObject')).toHaveLength(2);
    expect(fake.objects.get('blobs/o/d/r')!.data.equals(data)).toBe(true);

    fake.calls.length = 0;
    fake.failWhen = (name) => (name === 'PutObject' ? s3Error('AccessDenied', 403) : undefined);
    await expect(backend().put({ id: 'o/d/r2', body: Readable.from([data]) })).rejects.toThrow('AccessDenied');
    expect(names()).toEqual(['PutObject']);
  });

  it('a failing body sends nothing', async () => {
    async function* body(): AsyncGenerator<Buffer> {
      yield randomBytes(10);
      throw new Error('aborted');
    }
    await expect(backend().put({ id: 'o/d/f', body: body() })).rejects.toThrow('aborted');
    expect(fake.calls).toEqual([]);
  });

  it('maps missing keys, but not missing buckets, to not-found', async () => {
    await expect(backend().get({ id: 'o/d/none' })).rejects.toBeInstanceOf(BlobNotFoundError);
    await expect(backend().head({ id: 'o/d/none' })).resolves.toBeNull();
    await expect(backend().delete({ id: 'o/d/none' })).resolves.toBeUndefined();
    const wrongBucket = new S3Backend({ client: fake.client, bucket: 'other', spoolDir });
    await expect(wrongBucket.get({ id: 'o/d/none' })).rejects.toThrow('NoSuchBucket');
    await expect(wrongBucket.head({ id: 'o/d/none' })).rejects.toThrow('NoSuchBucket');
    await expect(wrongBucket.check()).rejects.toThrow('NoSuchBucket');
  });

  it('sends Range and insists the answer covers exactly that range', async () => {
    const data = randomBytes(100);
    await backend().put({ id: 'o/d/r', body: Readable.from([data]) });
    expect((await readAll(await backend().get({ id: 'o/d/r', range: { start: 10, end: 19 } }))).equals(data.subarray(10, 20))).toBe(true);
    expect(fake.calls.at(-1)!.input.Range).toBe('bytes=10-19');
    await expect(backend().get({ id: 'o/d/r', range: { start: 90, end: 100 } })).rejects.toThrow(/outside blob .* \(100 bytes\)/);
    await expect(backend().get({ id: 'o/d/r', range: { start: 100, end: 100 } })).rejects.toBeInstanceOf(RangeError);
    fake.ignoreRange = true;
    await expect(backend().get({ id: 'o/d/r', range: { start: 0, end: 9 } })).rejects.toThrow(/ignored the Range/);
  });

  it('lists across pages, strips the prefix and skips foreign objects', async () => {
    fake.maxPage = 2;
    for (const id of ['o/d/a', 'o/d/b', 'o/d/c', 'o/e/a', 'p/d/a']) await backend().put({ id, body: Readable.from([Buffer.from(id)]) });
    const now = new Date();
    fake.objects.set('blobs/o/d/not valid', { data: Buffer.alloc(1), lastModified: now });
    fake.objects.set('elsewhere/o/d/z', { data: Buffer.alloc(1), lastModified: now });
    const list = async (opts: { prefix?: string; after?: string; limit?: number }): Promise<string[]> => {
      const ids: string[] = [];
      for await (const e of backend().list(opts)) ids.push(e.id);
      return ids;
    };
    expect(await list({})).toEqual(['o/d/a', 'o/d/b', 'o/d/c', 'o/e/a', 'p/d/a']);
    expect(await list({ prefix: 'o/' })).toEqual(['o/d/a', 'o/d/b', 'o/d/c', 'o/e/a']);
    const before = fake.calls.length;
    expect(await list({ after: 'o/d/b', limit: 2 })).toEqual(['o/d/c', 'o/e/a']);
    expect(fake.calls[before]!.input).toMatchObject({ Prefix: 'blobs/', StartAfter: 'blobs/o/d/b', MaxKeys: 2 });
    expect(await list({ limit: 0 })).toEqual([]);
  });

  it('check lists at most one key under the prefix', async () => {
    await backend().check();
    expect(fake.calls).toEqual([{ name: 'ListObjectsV2', input: { Bucket: 'bkt', Prefix: 'blobs/', MaxKeys: 1 } }]);
  });
});
