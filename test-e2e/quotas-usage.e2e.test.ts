import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { CopyObjectCommand, CreateBucketCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { Pool } from 'pg';
import { readPackedIdsSync } from '@excloud/blob-backend';
import { getOrgUsage, getUsageHourly, setOrgQuota } from '@excloud/metadata';
import { Topology } from './support/topology';

const MiB = 1024 * 1024;
const ORG = 'fault-org';

/** Files under the blob root (not the pack segments themselves), plus the blobs packed in them. */
function blobCount(root: string): number {
  return fileCount(root) + readPackedIdsSync(root).length;
}

function fileCount(dir: string): number {
  if (!existsSync(dir)) return 0;
  let n = 0;
  for (const e of readdirSync(dir)) {
    const p = path.join(dir, e);
    if (p === path.join(dir, 'pack')) continue;
    n += statSync(p).isDirectory() ? fileCount(p) : 1;
  }
  return n;
}

const codeOf = (p: Promise<unknown>) => p.then(() => 'ok', (e: unknown) => (e instanceof S3ServiceException ? e.name : String(e)));

async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('quotas and usage metering, production topology', () => {
  let t: Topology;
  let client: S3Client;
  let pool: Pool;
  const bucket = 'metered';

  beforeAll(async () => {
    t = await Topology.start({ gateway: { GATEWAY_USAGE_FLUSH_MS: '200' } });
    client = new S3Client({ region: 'auto', endpoint: t.endpoint, forcePathStyle: true, credentials: t.credentials, maxAttempts: 1 });
    pool = new Pool({ connectionString: t.db.url });
    pool.on('error', () => undefined);
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  }, 90_000);

  afterAll(async () => {
    await pool?.end();
    await t?.stop();
  });

  it('a quota of 1 MiB makes the next PUT fail with QuotaExceeded and stores nothing', async () => {
    await setOrgQuota(pool, ORG, { maxBytes: MiB });
    const fits = Buffer.alloc(MiB - 1000, 7);
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'fits.bin', Body: fits }));
    const blobs = blobCount(path.join(t.dataDir, 'blobs'));
    expect(blobs).toBeGreaterThan(0);

    const err = await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'over.bin', Body: Buffer.alloc(2000, 1) })).catch((e: unknown) => e as S3ServiceException);
    expect(err).toBeInstanceOf(S3ServiceException);
    expect(err).toMatchObject({ name: 'QuotaExceeded', $metadata: { httpStatusCode: 403 } });
    expect((err as Error).message).toMatch(/quota.*1048576 bytes/i);
    expect(await codeOf(client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'over.bin' })))).toBe('NotFound');
    expect(blobCount(path.join(t.dataDir, 'blobs'))).toBe(blobs); // the refused body's blob is gone too
    // CopyObject is held to the same quota.
    expect(await codeOf(client.send(new CopyObjectCommand({ Bucket: bucket, Key: 'copy.bin', CopySource: `${bucket}/fits.bin` })))).toBe('QuotaExceeded');
    expect(blobCount(path.join(t.dataDir, 'blobs'))).toBe(blobs);
    expect(await getOrgUsage(pool, ORG)).toEqual({ bytes: MiB - 1000, objects: 1, buckets: 1 });
  });

  it('meters requests and transfer per org per hour from batched gateway counters, and storage from the rollup', async () => {
    const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: 'fits.bin' }));
    expect((await got.Body!.transformToByteArray()).length).toBe(MiB - 1000);
    const hour = new Date(Date.now() - (Date.now() % 3_600_000));
    const next = new Date(hour.getTime() + 3_600_000);
    const [row] = await until(
      'hourly request row',
      () => getUsageHourly(pool, ORG, hour, next),
      (rows) => rows.length === 1 && rows[0]!.classB >= 2 && rows[0]!.egressBytes >= MiB - 1000,
    );
    // CreateBucket, two PUTs and a CopyObject (refusals are billed as S3 bills 4xx); HEAD and GET.
    expect(row).toMatchObject({ classA: 4, classB: 2 });
    expect(row!.ingressBytes).toBeGreaterThanOrEqual(MiB - 1000 + 2000);
    expect(row!.ingressBytes).toBeLessThan(MiB + 2000 + 20_000); // bodies plus headers
    expect(row!.egressBytes).toBeLessThan(MiB + 20_000);

    await t.runJanitor('usageRollup');
    const [rolled] = await getUsageHourly(pool, ORG, hour, next);
    expect(rolled).toMatchObject({ bytesStored: MiB - 1000, objects: 1 });
    expect(Number(rolled!.byteSeconds)).toBeGreaterThan(0);
    expect(await t.runJanitor('usageReconcile')).toMatchObject({ drifted: 0, drift: [] });
  });

  it('the janitor reconciliation reports drift and corrects it', async () => {
    // Into one counter stripe (the org's usage is their sum): 5 bytes and 8 buckets too many.
    await pool.query(
      `INSERT INTO org_usage AS u (org_id, stripe, bytes, buckets) VALUES ($1, 0, 5, 8)
       ON CONFLICT (org_id, stripe) DO UPDATE SET bytes = u.bytes + 5, buckets = u.buckets + 8`,
      [ORG],
    );
    expect(await t.runJanitor('usageReconcile')).toMatchObject({
      drifted: 1,
      corrected: true,
      drift: [{ orgId: ORG, counted: { bytes: MiB - 1000 + 5, objects: 1, buckets: 9 }, actual: { bytes: MiB - 1000, objects: 1, buckets: 1 } }],
    });
    expect(await getOrgUsage(pool, ORG)).toEqual({ bytes: MiB - 1000, objects: 1, buckets: 1 });
    expect(await t.runJanitor('usageReconcile')).toMatchObject({ drifted: 0 });
  });
});
