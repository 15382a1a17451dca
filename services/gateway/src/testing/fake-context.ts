import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { asOrgId, type BlobPutResult, type ChecksumAlgorithm, type Checksums, type ManifestPart, type ObjectVersion } from '@excloud/contracts';
import { collectBody, type AuthClient, type BlobClient, type InternalResponse, type MetadataClient } from '@excloud/internal-client';
import { createLogger } from '@excloud/service-kit';
import { createChecksum } from '@excloud/sigv4';
import type { Caller } from '../authenticate';
import type { GatewayConfig } from '../config';
import type { OperationContext } from '../context';
import type { OperationName } from '../operation-types';
import { parseS3Request } from '../router';
import { ReadAhead } from '../read-ahead';
import { BlobCache } from '../blob-cache';

/**
 * Operation handlers under unit test: a request line goes through the real router, and the
 * services are fakes. Metadata is a per-test stub that fails loudly on any call the test did not
 * expect; blob is a small working in-memory store (bytes in, digests out, reads, deletes).
 */

/** Any method the test did not provide throws, so an unexpected call fails the test. */
export function strict<T extends object>(name: string, impl: Partial<T>): T {
  return new Proxy(impl, {
    get(target, prop) {
      if (prop in target) return target[prop as keyof T];
      if (prop === 'then') return undefined; // not a thenable
      return () => {
        throw new Error(`unexpected call ${name}.${String(prop)}`);
      };
    },
  }) as T;
}

export class FakeBlobs {
  readonly blobs = new Map<string, Buffer>();
  readonly deleted: string[] = [];
  /** When set, delete() rejects with it (a blob service outage during cleanup). */
  deleteFailure: Error | undefined;

  readonly client: BlobClient = strict<BlobClient>('blob', {
    put: async (_token, body, opts = {}) => {
      const chunks: Buffer[] = [];
      for await (const chunk of body) chunks.push(Buffer.from(chunk as Buffer));
      const bytes = Buffer.concat(chunks);
      if (opts.maxSize !== undefined && bytes.length > opts.maxSize) throw new Error('blob larger than maxSize');
      const blobId = `org/2026-12-01/${randomUUID()}`;
      this.blobs.set(blobId, bytes);
      return this.resultFor(blobId, bytes, opts.checksums ?? []);
    },
    get: async (_token, part, range) => this.read(part, range),
    readAhead: async (_token, part) => this.read(part, undefined),
    delete: async (_token, blobId) => {
      if (this.deleteFailure) throw this.deleteFailure;
      this.deleted.push(blobId);
      this.blobs.delete(blobId);
    },
  });

  private read(part: ManifestPart, range: { start: number; end: number } | undefined): InternalResponse {
    const bytes = this.blobs.get(part.blobId);
    if (!bytes) throw new Error(`no blob ${part.blobId}`);
    return Readable.from([range ? bytes.subarray(range.start, range.end + 1) : bytes]) as unknown as InternalResponse;
  }

  /** Store bytes directly (a source object for a copy) and describe them as a manifest part. */
  seed(bytes: Buffer): ManifestPart {
    const blobId = `org/2026-12-01/${randomUUID()}`;
    this.blobs.set(blobId, bytes);
    return { blobId, size: bytes.length, encryption: { keyId: 'k1', wrappedKey: 'w', noncePrefix: 'n' } };
  }

  private resultFor(blobId: string, bytes: Buffer, algorithms: ChecksumAlgorithm[]): BlobPutResult {
    const checksums: Checksums = {};
    for (const alg of algorithms) {
      const sum = createChecksum(alg);
      sum.update(bytes);
      checksums[alg] = sum.digestBase64();
    }
    return {
      blobId,
      size: bytes.length,
      md5: createHash('md5').update(bytes).digest('hex'),
      checksums,
      encryption: { keyId: 'k1', wrappedKey: 'w', noncePrefix: 'n' },
    };
  }
}

export const ORG = asOrgId('acme');

export function fakeCaller(): Caller {
  return {
    orgId: ORG,
    accessKeyId: 'AKIDEXAMPLE',
    token: 'org-token',
    signingKey: Buffer.alloc(32),
    auth: {
      kind: 'header',
      accessKeyId: 'AKIDEXAMPLE',
      date: '20261201',
      region: 'us-east-1',
      service: 's3',
      amzDate: '20261201T000000Z',
      signedHeaders: ['host'],
      signature: '0'.repeat(64),
      payloadHash: 'UNSIGNED-PAYLOAD',
      payloadMode: 'UNSIGNED-PAYLOAD',
    },
  };
}

export const TEST_CONFIG = { region: 'auto', maxPutBytes: 5 * 1024 ** 3, baseDomain: 'buckets.localhost' } as GatewayConfig;

export interface FakeRequest {
  headers?: Record<string, string>;
  body?: string | Buffer;
  metadata?: Partial<MetadataClient>;
  blobs?: FakeBlobs;
  auth?: Partial<AuthClient>;
  /** Off unless given: shared between contexts, it remembers across requests as the gateway's does. */
  readAhead?: ReadAhead;
  /** Off unless given, like readAhead. */
  blobCache?: BlobCache;
}

/**
 * A context for `name`, built from an AWS-style request line such as
 * `PUT /bucket/key?partNumber=1&uploadId=u`. Throws if the line routes to another operation.
 */
export function fakeContext<N extends OperationName>(name: N, requestLine: string, opts: FakeRequest = {}): OperationContext<N> & { blobs: FakeBlobs; logs: string[] } {
  const [method = 'GET', target = '/'] = requestLine.split(' ');
  const url = new URL(target, 'http://acme.buckets.localhost');
  const [bucket, ...rest] = url.pathname.slice(1).split('/');
  const key = rest.length > 0 && rest.join('/') !== '' ? decodeURIComponent(rest.join('/')) : undefined;
  const body = opts.body === undefined ? undefined : Buffer.from(opts.body);
  const headers: Record<string, string> = { host: url.host, ...opts.headers };
  if (body !== undefined && headers['content-length'] === undefined) headers['content-length'] = String(body.length);
  const operation = parseS3Request({ method, bucket: bucket || undefined, key, query: url.searchParams, headers });
  if (operation.op !== name) throw new Error(`${requestLine} routes to ${operation.op}, not ${name}`);
  const req = Object.assign(Readable.from(body ? [body] : []), { method, url: target, headers }) as unknown as IncomingMessage;
  const blobs = opts.blobs ?? new FakeBlobs();
  const logs: string[] = [];
  return {
    req,
    requestId: 'req-1',
    log: createLogger({ service: 'gateway-test' }, { level: 'warn', write: (line) => logs.push(line) }),
    operation: operation as OperationContext<N>['operation'],
    caller: fakeCaller(),
    services: {
      metadata: strict<MetadataClient>('metadata', opts.metadata ?? {}),
      blob: blobs.client,
      auth: strict<AuthClient>('auth', opts.auth ?? {}),
      readAhead: opts.readAhead ?? new ReadAhead(blobs.client, 0),
      blobCache: opts.blobCache ?? new BlobCache(0),
    },
    config: TEST_CONFIG,
    owner: async () => ({ id: 'c0ffee', displayName: 'acme' }),
    blobs,
    logs,
  };
}

/** A handler result's body, whole: a stream read to its end, or the buffer itself. */
export async function bodyBytes(body: Readable | Buffer | undefined): Promise<Buffer> {
  if (body === undefined) return Buffer.alloc(0);
  return Buffer.isBuffer(body) ? body : collectBody(body);
}

export function objectVersion(over: Partial<ObjectVersion> = {}): ObjectVersion {
  return {
    bucket: 'b',
    key: 'k',
    versionId: 'null',
    isLatest: true,
    isDeleteMarker: false,
    size: 0,
    etag: '"d41d8cd98f00b204e9800998ecf8427e"',
    lastModified: '2026-12-01T00:00:00.000Z',
    headers: {},
    userMetadata: {},
    checksums: {},
    manifest: [],
    ...over,
  };
}

/** The S3 error code a function throws ('ok' when it returns). */
export function codeOfCall(fn: () => unknown): string {
  try {
    fn();
    return 'ok';
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  }
}

/** The S3 error code a promise rejects with ('ok' when it resolves). */
export async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  }
}
