import { AbortMultipartUploadCommand, CreateBucketCommand, ListMultipartUploadsCommand, ListPartsCommand, PutObjectCommand, UploadPartCommand } from '@aws-sdk/client-s3';
import { s3, uniqueBucket } from './support/clients';
import { runJanitor, storedBlobIds } from './support/blobs';
import { MiB, multipartPut, randomData } from './support/multipart';
import { stack } from './support/stack';
import { Pool } from 'pg';

describe('AbortMultipartUpload, ListParts, ListMultipartUploads and the janitor', () => {
  const client = s3();
  const bucket = uniqueBucket('abort');
  const local = () => stack().dataDir !== undefined;

  beforeAll(async () => {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  });

  it('lists uploads and parts, then abort leaves zero blobs of the upload after a janitor run', async () => {
    const before = storedBlobIds();
    const { UploadId } = await multipartPut(client, bucket, 'dir/abandoned.bin', randomData(11 * MiB), 5 * MiB, false);
    const parts = await client.send(new ListPartsCommand({ Bucket: bucket, Key: 'dir/abandoned.bin', UploadId, MaxParts: 2 }));
    expect(parts.Parts?.map((p) => p.PartNumber)).toEqual([1, 2]);
    expect(parts.IsTruncated).toBe(true);
    expect(parts.Parts?.[0]?.Size).toBe(5 * MiB);
    const uploads = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
    expect(uploads.Uploads?.map((u) => [u.Key, u.UploadId])).toEqual([['dir/abandoned.bin', UploadId]]);
    const folded = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket, Delimiter: '/' }));
    expect(folded.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['dir/']);

    await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: 'dir/abandoned.bin', UploadId }));
    await expect(client.send(new ListPartsCommand({ Bucket: bucket, Key: 'dir/abandoned.bin', UploadId }))).rejects.toMatchObject({ name: 'NoSuchUpload' });
    await expect(client.send(new UploadPartCommand({ Bucket: bucket, Key: 'dir/abandoned.bin', UploadId, PartNumber: 4, Body: 'x' }))).rejects.toMatchObject({ name: 'NoSuchUpload' });
    await expect(client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: 'dir/abandoned.bin', UploadId }))).rejects.toMatchObject({ name: 'NoSuchUpload' });
    if (!local()) return;
    await runJanitor('outbox');
    expect([...storedBlobIds()].filter((id) => !before.has(id))).toEqual([]);
  });

  it('expires an idle upload and reclaims its parts after janitor runs', async () => {
    const s = stack();
    if (!local() || !s.databaseUrl) return;
    const before = storedBlobIds();
    const { UploadId } = await multipartPut(client, bucket, 'idle.bin', randomData(6 * MiB), 5 * MiB, false);
    expect([...storedBlobIds()].filter((id) => !before.has(id))).toHaveLength(2);
    // Age the upload past the janitor's limit instead of waiting a week.
    const pool = new Pool({ connectionString: s.databaseUrl });
    try {
      await pool.query("UPDATE multipart_uploads SET last_activity = now() - interval '8 days' WHERE upload_id = $1", [UploadId]);
    } finally {
      await pool.end();
    }
    expect(await runJanitor('uploadExpiry')).toMatchObject({ expired: 1 });
    await runJanitor('outbox');
    expect([...storedBlobIds()].filter((id) => !before.has(id))).toEqual([]);
    await expect(client.send(new ListPartsCommand({ Bucket: bucket, Key: 'idle.bin', UploadId }))).rejects.toMatchObject({ name: 'NoSuchUpload' });
  });

  it('reclaims an overwritten object and a re-uploaded part after a janitor run', async () => {
    if (!local()) return;
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'over', Body: 'one' }));
    const afterFirst = storedBlobIds();
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'over', Body: 'two' }));
    await runJanitor('outbox');
    const now = storedBlobIds();
    // The first version's blob is gone; exactly one new blob (the second version) exists.
    expect([...afterFirst].filter((id) => !now.has(id))).toHaveLength(1);
    expect([...now].filter((id) => !afterFirst.has(id))).toHaveLength(1);

    // Uploading part 1 twice: only the second upload's blob survives the drain.
    const { UploadId } = await multipartPut(client, bucket, 'twice.bin', randomData(1000), 5 * MiB, false);
    const once = storedBlobIds();
    await client.send(new UploadPartCommand({ Bucket: bucket, Key: 'twice.bin', UploadId, PartNumber: 1, Body: randomData(1000) }));
    await runJanitor('outbox');
    const after = storedBlobIds();
    expect([...once].filter((id) => !after.has(id))).toHaveLength(1);
    expect([...after].filter((id) => !once.has(id))).toHaveLength(1);
    await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: 'twice.bin', UploadId }));
  });
});
