import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';

/** S3 limits: at most 10,000 parts, every part but the last at least 5 MiB. */
const MAX_PARTS = 10_000;
const MIN_PART_SIZE = 5 * 1024 * 1024;

export interface UploadTuning {
  /** Files up to this size go in one PutObject; larger ones use multipart. */
  multipartThreshold: number;
  /** Preferred part size; grown automatically so a file never needs more than 10,000 parts. */
  partSize: number;
  /** Parts uploaded at once. */
  partConcurrency: number;
  /** Attempts per request (PutObject / UploadPart) including the first. */
  attempts: number;
}

interface Target {
  client: S3Client;
  bucket: string;
  key: string;
}

function httpStatus(err: unknown): number | undefined {
  return (err as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
}

/** Throttling, server errors and transport failures (no HTTP status) are worth another try; 4xx are not. */
function isRetryable(err: unknown): boolean {
  if (err instanceof TypeError || err instanceof RangeError) return false;
  const status = httpStatus(err);
  return status === undefined || status === 429 || status >= 500 || (err as { $retryable?: unknown }).$retryable !== undefined;
}

/**
 * The SDK can't retry a request whose body is a stream it already consumed (it fails with
 * "non-retryable streaming request"), so retries happen here instead, each attempt reading the
 * spooled file afresh. PutObject and UploadPart are idempotent per key / part number.
 */
async function withFreshBody<T>(
  attempts: number,
  path: string,
  range: { start: number; end: number } | null,
  send: (body: Readable | Buffer) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const body = range ? createReadStream(path, range) : null;
    try {
      return await send(body ?? Buffer.alloc(0));
    } catch (err) {
      if (attempt >= attempts || !isRetryable(err)) throw err;
      await sleep(Math.min(2000, 100 * 2 ** (attempt - 1)) * (0.5 + Math.random()));
    } finally {
      body?.destroy(); // the SDK may bail out before reading to the end
    }
  }
}

/** Uploads a fully spooled file (known size) as one object. */
export async function uploadFile(target: Target & { path: string; size: number; tuning: UploadTuning }): Promise<void> {
  const { client, bucket, key, path, size, tuning } = target;
  if (size <= tuning.multipartThreshold) {
    const range = size > 0 ? { start: 0, end: size - 1 } : null;
    await withFreshBody(tuning.attempts, path, range, (body) =>
      client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentLength: size })),
    );
    return;
  }
  await uploadMultipart({ client, bucket, key, path, size, tuning });
}

async function uploadMultipart(opts: Target & { path: string; size: number; tuning: UploadTuning }): Promise<void> {
  const { client, bucket, key, path, size, tuning } = opts;
  const partSize = Math.max(MIN_PART_SIZE, tuning.partSize, Math.ceil(size / MAX_PARTS));
  const partCount = Math.ceil(size / partSize);
  const created = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
  const uploadId = created.UploadId;
  if (!uploadId) throw new Error('CreateMultipartUpload returned no UploadId');

  const etags: string[] = new Array(partCount);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < partCount) {
      const index = next++;
      const start = index * partSize;
      const end = Math.min(size, start + partSize) - 1;
      try {
        const res = await withFreshBody(tuning.attempts, path, { start, end }, (body) =>
          client.send(
            new UploadPartCommand({
              Bucket: bucket,
              Key: key,
              UploadId: uploadId,
              PartNumber: index + 1,
              Body: body,
              ContentLength: end - start + 1,
            }),
          ),
        );
        if (!res.ETag) throw new Error(`UploadPart ${index + 1} returned no ETag`);
        etags[index] = res.ETag;
      } catch (err) {
        failed = true; // stop the other workers from starting new parts
        throw err;
      }
    }
  };

  try {
    const results = await Promise.allSettled(Array.from({ length: Math.min(tuning.partConcurrency, partCount) }, worker));
    const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (rejected) throw rejected.reason;
    await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: key,
        UploadId: uploadId,
        MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) },
      }),
    );
  } catch (err) {
    // Uncompleted uploads keep their parts (and cost) until aborted; a bucket lifecycle rule is the backstop.
    await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId })).catch(() => undefined);
    throw err;
  }
}
