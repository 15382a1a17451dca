import { randomBytes } from 'node:crypto';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { ABSENT, Ledger, sha256 } from './ledger';

const MiB = 1024 * 1024;
/** A request (body included) that takes longer than this is cut and counted as stalled. */
export const STALL_MS = 30_000;
export const stall = () => ({ abortSignal: AbortSignal.timeout(STALL_MS) });

/** A client that surfaces every failure (no retries) and never waits forever on a dead peer. */
export function loadClient(endpoint: string, credentials: { accessKeyId: string; secretAccessKey: string }): S3Client {
  return new S3Client({
    region: 'auto',
    endpoint,
    forcePathStyle: true,
    credentials,
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({ connectionTimeout: 5_000, requestTimeout: 20_000, throwOnRequestTimeout: true }),
  });
}

/** How an S3 call failed, as one short label: `503 ServiceUnavailable`, `ECONNREFUSED`, … */
export function errorLabel(err: unknown): string {
  const e = err as { name?: string; code?: string; $metadata?: { httpStatusCode?: number }; message?: string };
  if (e.name === 'AbortError') return `no answer in ${STALL_MS / 1000} s`;
  // The SDK's HTTP handler reports socket errors (EPIPE, ECONNRESET) as TimeoutError too: show the cause.
  if (e.name === 'TimeoutError') return /timeout/i.test(e.message ?? '') ? 'socket idle 20 s' : (e.message ?? 'TimeoutError').replace(/^write /, '');
  const status = e.$metadata?.httpStatusCode;
  if (status) return `${status} ${e.name ?? 'Error'}`;
  if (e.code) return e.code;
  if (e.name && e.name !== 'Error') return e.name;
  return (e.message ?? String(err)).slice(0, 60);
}

export interface Mix {
  put: number;
  multipart: number;
  get: number;
  delete: number;
  list: number;
}

export interface LoadOptions {
  bucket: string;
  workers: number;
  /** Each worker writes only its own keys, so writes to one key never race and the ledger stays exact. */
  keysPerWorker: number;
  prefix: string;
  mix: Mix;
  /** Sizes of single PUTs, picked uniformly. */
  putSizes: number[];
  /** Multipart uploads: 5 MiB + `lastPartBytes`. */
  lastPartBytes: number;
  /** Back-off after an error, so a dead service is not hammered in a tight loop. */
  errorPauseMs: number;
}

export interface Sample {
  op: string;
  ms: number;
  /** undefined when the request succeeded. */
  error?: string;
  at: number;
}

/** Samples since the last `drain()`; the matrix and the soak summarise them as they need. */
export class Recorder {
  private samples: Sample[] = [];
  record(op: string, started: number, error?: string): void {
    const now = performance.now();
    this.samples.push({ op, ms: now - started, error, at: Date.now() });
  }
  /** Samples so far, without taking them. */
  peek(): readonly Sample[] {
    return this.samples;
  }
  drain(): Sample[] {
    const s = this.samples;
    this.samples = [];
    return s;
  }
}

/** Mixed S3 traffic on a bounded set of keys, checking every read against the ledger. */
export class Load {
  private running = false;
  private workers: Promise<void>[] = [];
  readonly recorder = new Recorder();

  constructor(
    private readonly client: S3Client,
    readonly ledger: Ledger,
    private readonly opts: LoadOptions,
  ) {}

  start(): void {
    this.running = true;
    this.workers = Array.from({ length: this.opts.workers }, (_, i) => this.worker(i));
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.workers);
  }

  keyOf(worker: number, n: number): string {
    return `${this.opts.prefix}w${worker}/k${n}`;
  }

  private pick(): keyof Mix {
    const m = this.opts.mix;
    let r = Math.random() * (m.put + m.multipart + m.get + m.delete + m.list);
    for (const op of ['put', 'multipart', 'get', 'delete', 'list'] as const) {
      r -= m[op];
      if (r < 0) return op;
    }
    return 'get';
  }

  private async worker(w: number): Promise<void> {
    while (this.running) {
      const key = this.keyOf(w, Math.floor(Math.random() * this.opts.keysPerWorker));
      const op = this.pick();
      let ok = false;
      try {
        if (op === 'put') ok = await this.put(key);
        else if (op === 'multipart') ok = await this.multipart(key);
        else if (op === 'get') ok = await this.get(key);
        else if (op === 'delete') ok = await this.delete(key);
        else ok = await this.list(`${this.opts.prefix}w${w}/`);
      } catch (err) {
        // Only a bug in this harness lands here; requests record their own failures.
        this.recorder.record('harness', performance.now(), String(err));
      }
      if (!ok) await new Promise((r) => setTimeout(r, this.opts.errorPauseMs));
    }
  }

  /** Runs one S3 call, recording its latency and outcome; returns undefined on failure. */
  async call<T>(op: string, fn: () => Promise<T>): Promise<T | undefined> {
    const started = performance.now();
    try {
      const out = await fn();
      this.recorder.record(op, started);
      return out;
    } catch (err) {
      this.recorder.record(op, started, errorLabel(err));
      return undefined;
    }
  }

  async put(key: string, body = randomBytes(this.opts.putSizes[Math.floor(Math.random() * this.opts.putSizes.length)]!)): Promise<boolean> {
    const hash = sha256(body);
    this.ledger.begin(key, hash);
    const res = await this.call('PutObject', () => this.client.send(new PutObjectCommand({ Bucket: this.opts.bucket, Key: key, Body: body }), stall()));
    if (res) this.ledger.ack(key, hash);
    return res !== undefined;
  }

  async multipart(key: string): Promise<boolean> {
    const Bucket = this.opts.bucket;
    const parts = [randomBytes(5 * MiB), randomBytes(this.opts.lastPartBytes)];
    const hash = sha256(Buffer.concat(parts));
    const created = await this.call('CreateMultipartUpload', () => this.client.send(new CreateMultipartUploadCommand({ Bucket, Key: key }), stall()));
    if (!created?.UploadId) return false;
    const UploadId = created.UploadId;
    const etags: string[] = [];
    for (const [i, Body] of parts.entries()) {
      const r = await this.call('UploadPart', () => this.client.send(new UploadPartCommand({ Bucket, Key: key, UploadId, PartNumber: i + 1, Body }), stall()));
      if (!r?.ETag) {
        // As a client would; if this fails too, the janitor's upload expiry reclaims the parts.
        await this.call('AbortMultipartUpload', () => this.client.send(new AbortMultipartUploadCommand({ Bucket, Key: key, UploadId }), stall()));
        return false;
      }
      etags.push(r.ETag);
    }
    this.ledger.begin(key, hash);
    const done = await this.call('CompleteMultipartUpload', () =>
      this.client.send(
        new CompleteMultipartUploadCommand({ Bucket, Key: key, UploadId, MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) } }),
        stall(),
      ),
    );
    if (done) this.ledger.ack(key, hash);
    return done !== undefined;
  }

  async get(key: string): Promise<boolean> {
    const started = performance.now();
    try {
      const o = await this.client.send(new GetObjectCommand({ Bucket: this.opts.bucket, Key: key }), stall());
      const body = Buffer.from(await o.Body!.transformToByteArray());
      this.recorder.record('GetObject', started);
      if (o.ContentLength !== undefined && o.ContentLength !== body.length) this.ledger.observe(key, `short-body-${body.length}`, 'GET under load');
      else this.ledger.observe(key, sha256(body), 'GET under load');
      return true;
    } catch (err) {
      const label = errorLabel(err);
      if (label === '404 NoSuchKey') {
        this.recorder.record('GetObject', started);
        this.ledger.observe(key, ABSENT, 'GET under load');
        return true;
      }
      this.recorder.record('GetObject', started, label);
      return false;
    }
  }

  async delete(key: string): Promise<boolean> {
    this.ledger.begin(key, ABSENT);
    const res = await this.call('DeleteObject', () => this.client.send(new DeleteObjectCommand({ Bucket: this.opts.bucket, Key: key }), stall()));
    if (res) this.ledger.ack(key, ABSENT);
    return res !== undefined;
  }

  async list(prefix: string): Promise<boolean> {
    const res = await this.call('ListObjectsV2', () => this.client.send(new ListObjectsV2Command({ Bucket: this.opts.bucket, Prefix: prefix }), stall()));
    return res !== undefined;
  }
}

/** p-th percentile (0..100) of latencies in ms, nearest rank. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Failures as `op: label ×n`, most frequent first. */
export function summariseErrors(samples: Sample[]): string[] {
  const counts = new Map<string, number>();
  for (const s of samples) if (s.error) counts.set(`${s.op}: ${s.error}`, (counts.get(`${s.op}: ${s.error}`) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ×${n}`);
}
