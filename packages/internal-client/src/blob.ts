import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import type { BlobPutResult, ChecksumAlgorithm, ManifestPart } from '@excloud/contracts';
import { S3Error } from '@excloud/s3-protocol';
import { InternalClient } from './http';

export interface BlobListing {
  /** `size` is stored (encrypted) bytes. */
  blobs: Array<{ id: string; size: number; lastModified: string }>;
  /** Pass as `after` for the next page; absent on the last page. */
  next?: string;
}

/** Ids use [A-Za-z0-9_-] segments; encoding each segment anyway keeps a bad id from bending the path. */
function blobPath(blobId: string, base = '/v1/blobs'): string {
  return `${base}/${blobId.split('/').map(encodeURIComponent).join('/')}`;
}

/**
 * Client for the blob service. It stores no metadata, so reads send back what the manifest holds:
 * the key info and the plaintext size.
 */
export class BlobClient {
  private readonly http: InternalClient;

  constructor(baseUrl: string) {
    this.http = new InternalClient(baseUrl);
  }

  /**
   * Streams `body` (plaintext) into a new blob; resolves once it is durable. If `body` errors or
   * is destroyed before it ends, the request is aborted (the service then stores nothing) and this
   * rejects with the body's own error.
   */
  async put(
    token: string,
    body: Readable,
    opts: { checksums?: ChecksumAlgorithm[]; maxSize?: number; contentLength?: number; requestId?: string } = {},
  ): Promise<BlobPutResult> {
    const headers: Record<string, string> = {};
    if (opts.checksums?.length) headers['x-blob-checksums'] = opts.checksums.join(',');
    if (opts.maxSize !== undefined) headers['x-blob-max-size'] = String(opts.maxSize);
    if (opts.contentLength !== undefined) headers['x-blob-content-length'] = String(opts.contentLength);

    // A body that already failed (e.g. while the caller awaited something else) will never emit
    // again: piping it would leave the request open forever.
    if (body.errored) throw body.errored;
    if (body.destroyed && !body.readableEnded) throw new S3Error('IncompleteBody', 'blob body closed before it ended');
    // A body destroyed without an error would otherwise leave the request open forever.
    const abort = new AbortController();
    let bodyFailure: unknown;
    const onError = (err: Error) => {
      bodyFailure ??= err;
      abort.abort();
    };
    const onClose = () => {
      if (body.readableEnded) return;
      bodyFailure ??= new S3Error('IncompleteBody', 'blob body closed before it ended');
      abort.abort();
    };
    body.on('error', onError);
    body.on('close', onClose);
    try {
      return await this.http.json<BlobPutResult>({
        method: 'PUT',
        path: '/v1/blobs',
        token,
        requestId: opts.requestId,
        headers,
        stream: body,
        signal: abort.signal,
      });
    } catch (err) {
      throw bodyFailure ?? err;
    } finally {
      body.off('close', onClose);
      body.off('error', onError);
    }
  }

  /** Plaintext of the blob (or the inclusive plaintext range). */
  get(token: string, part: ManifestPart, range: { start: number; end: number } | undefined, requestId?: string): Promise<IncomingMessage> {
    const headers: Record<string, string> = {
      'x-blob-key': Buffer.from(JSON.stringify(part.encryption), 'utf8').toString('base64url'),
      'x-blob-size': String(part.size),
    };
    if (range) headers['x-blob-range'] = `${range.start}-${range.end}`;
    return this.http.raw({ method: 'GET', path: blobPath(part.blobId), token, requestId, headers });
  }

  /** Idempotent: deleting a missing blob succeeds. */
  async delete(token: string, blobId: string, requestId?: string): Promise<void> {
    await this.http.json<unknown>({ method: 'DELETE', path: blobPath(blobId), token, requestId });
  }

  /** The caller's blobs in id order; `prefix` and `after` are blob-id strings. */
  list(token: string, opts: { prefix?: string; after?: string; limit?: number }, requestId?: string): Promise<BlobListing> {
    const query = new URLSearchParams();
    if (opts.prefix !== undefined) query.set('prefix', opts.prefix);
    if (opts.after !== undefined) query.set('after', opts.after);
    if (opts.limit !== undefined) query.set('limit', String(opts.limit));
    const qs = query.toString();
    return this.http.json<BlobListing>({ method: 'GET', path: qs ? `/v1/blobs?${qs}` : '/v1/blobs', token, requestId });
  }

  /** Every blob of every org (system token: the janitor's orphan sweep). */
  systemList(systemToken: string, opts: { after?: string; limit?: number }): Promise<BlobListing> {
    const query = new URLSearchParams();
    if (opts.after !== undefined) query.set('after', opts.after);
    if (opts.limit !== undefined) query.set('limit', String(opts.limit));
    return this.http.json<BlobListing>({ method: 'GET', path: `/v1/system/blobs?${query}`, token: systemToken });
  }

  /** Delete any blob (system token: outbox drain and orphan sweep). Idempotent. */
  async systemDelete(systemToken: string, blobId: string): Promise<void> {
    await this.http.json<unknown>({ method: 'DELETE', path: blobPath(blobId, '/v1/system/blobs'), token: systemToken });
  }
}
