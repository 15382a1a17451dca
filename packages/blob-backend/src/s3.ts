import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { BlobNotFoundError, type BlobBackend, type BlobBody, type BlobInfo, type BlobListEntry } from './backend';
import { uploadFile, type UploadTuning } from './s3-upload';
import { assertValidBlobId, isValidBlobId, validateListOptions } from './validation';
import { takeBody } from './body';
import { writeBodyToFile } from './write-file';

const MiB = 1024 * 1024;

/**
 * S3Client settings every S3Backend client should use. Since 2025 the SDK adds a CRC32 trailer
 * (aws-chunked, no plain Content-Length) to every PutObject/UploadPart by default; stores that
 * predate it refuse the request (Ceph RGW 16 answers MissingContentLength, found by the
 * conformance suite). Blob bytes are already MD5-checked and AES-GCM authenticated, so the SDK
 * checksums are only asked for where S3 requires them.
 */
export const S3_BACKEND_CLIENT_DEFAULTS = { requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' } as const;

export interface S3BackendOptions {
  client: S3Client;
  bucket: string;
  /** Key prefix inside the bucket, e.g. 'blobs/'. Objects outside it are invisible to this backend. */
  prefix?: string;
  /** Where bodies are spooled before upload (PutObject needs the length up front). Default: os.tmpdir(). */
  spoolDir?: string;
  tuning?: Partial<UploadTuning>;
}

function errInfo(err: unknown): { name?: string; status?: number } {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } } | null;
  return { name: e?.name, status: e?.$metadata?.httpStatusCode };
}

/** A missing key — but not a missing bucket, which is a configuration error and must surface. */
function isNotFound(err: unknown): boolean {
  const { name, status } = errInfo(err);
  if (name === 'NoSuchBucket') return false;
  return name === 'NoSuchKey' || name === 'NotFound' || status === 404;
}

/**
 * Blobs as objects in an S3-compatible bucket. Bodies are spooled to a local temp file first so
 * the upload has a known length and can be retried (see s3-upload.ts); large ones go multipart.
 */
export class S3Backend implements BlobBackend {
  readonly name = 's3' as const;
  readonly #client: S3Client;
  readonly #bucket: string;
  readonly #prefix: string;
  readonly #spoolDir: string;
  readonly #tuning: UploadTuning;

  constructor(opts: S3BackendOptions) {
    if (!opts.bucket) throw new TypeError('S3Backend needs a bucket');
    this.#client = opts.client;
    this.#bucket = opts.bucket;
    this.#prefix = opts.prefix ?? '';
    this.#spoolDir = opts.spoolDir ?? tmpdir();
    this.#tuning = {
      multipartThreshold: 64 * MiB,
      partSize: 16 * MiB,
      partConcurrency: 4,
      attempts: 3,
      ...opts.tuning,
    };
  }

  async put(opts: { id: string; body: BlobBody }): Promise<{ size: number }> {
    assertValidBlobId(opts.id);
    const body = takeBody(opts.body);
    const spool = join(this.#spoolDir, `excloud-s3-spool-${randomBytes(8).toString('hex')}`);
    try {
      const fh = await open(spool, 'wx', 0o600);
      let size: number;
      try {
        size = await writeBodyToFile(fh, body);
      } finally {
        await fh.close();
      }
      await uploadFile({ client: this.#client, bucket: this.#bucket, key: this.#key(opts.id), path: spool, size, tuning: this.#tuning });
      return { size };
    } finally {
      await rm(spool, { force: true }).catch(() => undefined);
    }
  }

  async get(opts: { id: string; range?: { start: number; end: number } }): Promise<NodeJS.ReadableStream> {
    assertValidBlobId(opts.id);
    const { range } = opts;
    if (range && (!Number.isSafeInteger(range.start) || !Number.isSafeInteger(range.end) || range.start < 0 || range.end < range.start)) {
      throw new RangeError(`range ${range.start}-${range.end} is invalid`);
    }
    let res;
    try {
      res = await this.#client.send(
        new GetObjectCommand({
          Bucket: this.#bucket,
          Key: this.#key(opts.id),
          Range: range ? `bytes=${range.start}-${range.end}` : undefined,
        }),
      );
    } catch (err) {
      if (isNotFound(err)) throw new BlobNotFoundError(opts.id);
      const { name, status } = errInfo(err);
      if (status === 416 || name === 'InvalidRange') throw new RangeError(`range ${range?.start}-${range?.end} is outside blob ${opts.id}`);
      throw err;
    }
    const body = res.Body as unknown;
    if (body !== undefined && !(body instanceof Readable)) {
      throw new Error('S3 GetObject returned a non-Node stream body; use the Node.js request handler');
    }
    const stream = body ?? Readable.from([], { objectMode: false });
    if (range) {
      // S3 clips a range that runs past the end instead of failing; the contract says it must fail,
      // and a server that ignores Range altogether would hand us the wrong bytes.
      const m = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(res.ContentRange ?? '');
      if (!m || Number(m[1]) !== range.start || Number(m[2]) !== range.end) {
        stream.destroy();
        if (m) throw new RangeError(`range ${range.start}-${range.end} is outside blob ${opts.id} (${m[3]} bytes)`);
        throw new Error(`S3 ignored the Range request for blob ${opts.id} (Content-Range: ${res.ContentRange ?? 'none'})`);
      }
    }
    return stream;
  }

  async head(opts: { id: string }): Promise<BlobInfo | null> {
    assertValidBlobId(opts.id);
    try {
      const res = await this.#client.send(new HeadObjectCommand({ Bucket: this.#bucket, Key: this.#key(opts.id) }));
      return { size: res.ContentLength ?? 0, lastModified: res.LastModified ?? new Date(0) };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async delete(opts: { id: string }): Promise<void> {
    assertValidBlobId(opts.id);
    try {
      await this.#client.send(new DeleteObjectCommand({ Bucket: this.#bucket, Key: this.#key(opts.id) }));
    } catch (err) {
      if (!isNotFound(err)) throw err; // S3 itself answers 204 for missing keys; some compatibles say 404
    }
  }

  /** S3 lists keys in UTF-8 byte order, which for the id alphabet is exactly our order. */
  async *list(opts: { prefix?: string; after?: string; limit?: number }): AsyncGenerator<BlobListEntry> {
    const { prefix, after, limit } = validateListOptions(opts);
    if (limit === 0) return;
    let count = 0;
    let token: string | undefined;
    let first = true;
    while (first || token) {
      const res = await this.#client.send(
        new ListObjectsV2Command({
          Bucket: this.#bucket,
          Prefix: this.#prefix + prefix,
          StartAfter: first && after ? this.#prefix + after : undefined,
          ContinuationToken: token,
          MaxKeys: Math.min(1000, limit - count),
        }),
      );
      first = false;
      for (const obj of res.Contents ?? []) {
        if (!obj.Key?.startsWith(this.#prefix)) continue;
        const id = obj.Key.slice(this.#prefix.length);
        if (!isValidBlobId(id) || !id.startsWith(prefix) || id <= after) continue; // foreign objects in a shared bucket
        yield { id, size: obj.Size ?? 0, lastModified: obj.LastModified ?? new Date(0) };
        if (++count >= limit) return;
      }
      token = res.IsTruncated ? res.NextContinuationToken : undefined;
    }
  }

  /** Uses the same permission as list (ListBucket) so readiness doesn't need extra grants. */
  async check(): Promise<void> {
    await this.#client.send(new ListObjectsV2Command({ Bucket: this.#bucket, Prefix: this.#prefix, MaxKeys: 1 }));
  }

  #key(id: string): string {
    return this.#prefix + id;
  }
}
