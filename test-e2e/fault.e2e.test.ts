import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { Pool } from 'pg';
import { Topology } from './support/topology';
import { readPackedIds } from '@excloud/blob-backend';
import { filesUnder } from './faults/verify';

const MiB = 1024 * 1024;

/** Blob ids on disk: files, and small blobs packed into segments. */
const storedBlobs = async (blobRoot: string) => [...filesUnder(path.join(blobRoot, 'blobs')), ...(await readPackedIds(blobRoot))];

/** Poll until `ready()` holds; fail with what was awaited once the deadline passes. */
async function waitFor(ready: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Kill the blob service, then the gateway, in the middle of part uploads and of Complete. After
 * restarts and a janitor sweep: no orphan blob remains, no object is half-visible, and every
 * acknowledged object reads back intact.
 */
describe('faults: services killed mid-upload', () => {
  let t: Topology;
  let client: S3Client;
  const bucket = 'faults';
  const acknowledged = new Map<string, string>(); // key -> md5

  beforeAll(async () => {
    t = await Topology.start({ janitor: { JANITOR_OUTBOX_GRACE_SECONDS: '0', JANITOR_ORPHAN_GRACE_SECONDS: '1', JANITOR_OUTBOX_INTERVAL_MS: '500' } });
    client = new S3Client({ region: 'auto', endpoint: t.endpoint, forcePathStyle: true, credentials: t.credentials, maxAttempts: 1 });
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  }, 60_000);

  afterAll(async () => {
    await t?.stop();
  });

  const put = async (Key: string, body: Buffer) => {
    await client.send(new PutObjectCommand({ Bucket: bucket, Key, Body: body }));
    acknowledged.set(Key, createHash('md5').update(body).digest('hex'));
  };

  it('survives the blob service dying during part uploads', async () => {
    await put('before-1', randomBytes(300_000));
    const Key = 'mpu-blob-killed';
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key }));
    // Each part body is held open after its first MiB, so no upload can finish before the kill;
    // the kill happens once the blob service is writing every one of them (its temp files exist).
    const bodies = Array.from({ length: 4 }, () => new PassThrough());
    const tmpDir = path.join(t.dataDir, 'blobs', '.tmp');
    const writing = () => (existsSync(tmpDir) ? readdirSync(tmpDir).length : 0);
    const before = writing();
    const uploads = bodies.map((Body, i) =>
      client.send(new UploadPartCommand({ Bucket: bucket, Key, UploadId, PartNumber: i + 1, Body, ContentLength: 5 * MiB })).then(
        () => 'ok',
        () => 'failed',
      ),
    );
    for (const body of bodies) body.write(randomBytes(MiB));
    await waitFor(() => writing() >= before + bodies.length, 20_000, 'the blob service to be writing all four parts');
    await t.kill('blob');
    for (const body of bodies) body.end(randomBytes(4 * MiB));
    const outcomes = await Promise.all(uploads);
    expect(outcomes).toEqual(['failed', 'failed', 'failed', 'failed']);
    await t.startService('blob');
    await put('after-blob-restart', randomBytes(100_000));
    await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key, UploadId }));
  }, 60_000);

  it('survives the gateway dying during Complete: the object is whole or absent', async () => {
    const Key = 'mpu-gateway-killed';
    const data = randomBytes(5 * MiB + 1000);
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key }));
    const p1 = await client.send(new UploadPartCommand({ Bucket: bucket, Key, UploadId, PartNumber: 1, Body: data.subarray(0, 5 * MiB) }));
    const p2 = await client.send(new UploadPartCommand({ Bucket: bucket, Key, UploadId, PartNumber: 2, Body: data.subarray(5 * MiB) }));
    const complete = client
      .send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key, UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: p1.ETag }, { PartNumber: 2, ETag: p2.ETag }] } }))
      .then(() => 'ok', () => 'failed');
    await t.kill('gateway');
    const outcome = await complete;
    await t.startService('gateway');
    if (outcome === 'ok') acknowledged.set(Key, createHash('md5').update(data).digest('hex'));
    // Whatever the outcome, the key is either the whole object or absent.
    const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key })).then(
      async (o) => Buffer.from(await o.Body!.transformToByteArray()),
      (e: { name?: string }) => String(e.name),
    );
    if (typeof got === 'string') expect(got).toBe('NoSuchKey');
    else expect(createHash('md5').update(got).digest('hex')).toBe(createHash('md5').update(data).digest('hex'));
    // An upload that did not complete is aborted, as a client would.
    const open = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
    for (const u of open.Uploads ?? []) await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: u.Key, UploadId: u.UploadId }));
  }, 60_000);

  it('after a sweep, no orphan remains and every acknowledged object reads back intact', async () => {
    // Also a blob written behind metadata's back, as a crash between blob write and commit leaves.
    const orphanDir = path.join(t.dataDir, 'blobs', 'blobs', 'fault-org', '20250101');
    mkdirSync(orphanDir, { recursive: true });
    writeFileSync(path.join(orphanDir, '01ORPHANORPHANORPHANORPHAN'), randomBytes(1000));
    await new Promise((r) => setTimeout(r, 1500)); // past the orphan grace period
    await t.runJanitor('outbox');
    await t.runJanitor('orphanSweep');

    for (const [Key, md5] of acknowledged) {
      const o = await client.send(new GetObjectCommand({ Bucket: bucket, Key }));
      expect(createHash('md5').update(Buffer.from(await o.Body!.transformToByteArray())).digest('hex')).toBe(md5);
    }
    const listed = (await client.send(new ListObjectsV2Command({ Bucket: bucket }))).Contents?.map((c) => c.Key).sort();
    expect(listed).toEqual([...acknowledged.keys()].sort());

    const pool = new Pool({ connectionString: t.db.url });
    try {
      const referenced = await pool.query<{ id: string }>("SELECT DISTINCT m->>'blobId' AS id FROM object_versions, jsonb_array_elements(manifest) m");
      const onDisk = (await storedBlobs(path.join(t.dataDir, 'blobs'))).sort();
      expect(onDisk).toEqual(referenced.rows.map((r) => r.id).sort());
      const uploads = await pool.query('SELECT count(*)::int AS n FROM multipart_uploads');
      expect(uploads.rows[0].n).toBe(0);
    } finally {
      await pool.end();
    }
  }, 60_000);

  it('drains the outbox through BullMQ on its own schedule', async () => {
    await put('overwritten', randomBytes(10_000));
    const before = (await storedBlobs(path.join(t.dataDir, 'blobs'))).length;
    await put('overwritten', randomBytes(10_000));
    // The janitor's BullMQ scheduler runs the outbox job every 500 ms here.
    const deadline = Date.now() + 15_000;
    while ((await storedBlobs(path.join(t.dataDir, 'blobs'))).length !== before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect((await storedBlobs(path.join(t.dataDir, 'blobs'))).length).toBe(before);
  }, 30_000);
});
