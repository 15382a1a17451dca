import type { Readable } from 'node:stream';
import {
  BLOB_ROUTES,
  INTERNAL_HEADERS,
  newBlobId,
  type BlobCapabilityOp,
  type BlobPutResult,
  type CapabilityMinter,
  type ChecksumAlgorithm,
  type ManifestPart,
  type OrgId,
} from '@excloud/contracts';
import { S3Error } from '@excloud/s3-protocol';
import { InternalClient, type InternalResponse } from './http';

/** Bodies up to this size are sent whole (one write with the head) rather than streamed. */
export const SMALL_BODY_BYTES = 64 * 1024;

export interface BlobListing {
  /** `size` is stored (encrypted) bytes. */
  blobs: Array<{ id: string; size: number; lastModified: string }>;
  /** Pass as `after` for the next page; absent on the last page. */
  next?: string;
}

/**
 * Client for the blob service. It stores no metadata, so reads send back what the manifest holds:
 * the key info and the plaintext size. Each call carries a capability for exactly its blob and
 * operation, minted here with the gateway's key; the janitor's client has no minter and only
 * makes system calls.
 */
export class BlobClient {
  private readonly http: InternalClient;

  constructor(
    baseUrl: string,
    private readonly mint?: CapabilityMinter,
  ) {
    this.http = new InternalClient(baseUrl);
  }

  private capability(orgId: OrgId, op: BlobCapabilityOp, blobId: string): Record<string, string> {
    if (!this.mint) throw new Error('this blob client has no capability key: system calls only');
    return { [INTERNAL_HEADERS.capability]: this.mint({ orgId, op, blobId }) };
  }

  /**
   * Streams `body` (plaintext) into a new blob; resolves once it is durable. If `body` errors or
   * is destroyed before it ends, the request is aborted (the service then stores nothing) and this
   * rejects with the body's own error.
   */
  async put(
    orgId: OrgId,
    body: Readable,
    opts: { checksums?: ChecksumAlgorithm[]; maxSize?: number; contentLength?: number; requestId?: string } = {},
  ): Promise<BlobPutResult> {
    // The blob id is chosen here, never derived from the key, and the capability binds it.
    const blobId = newBlobId(orgId);
    const headers = this.capability(orgId, 'put', blobId);
    if (opts.checksums?.length) headers[INTERNAL_HEADERS.checksums] = opts.checksums.join(',');
    if (opts.maxSize !== undefined) headers[INTERNAL_HEADERS.maxSize] = String(opts.maxSize);
    if (opts.contentLength !== undefined) headers[INTERNAL_HEADERS.contentLength] = String(opts.contentLength);

    // A body that already failed (e.g. while the caller awaited something else) will never emit
    // again: sending it would leave the request open forever.
    if (body.errored) throw body.errored;
    if (body.destroyed && !body.readableEnded) throw new S3Error('IncompleteBody', 'blob body closed before it ended');
    const path = BLOB_ROUTES.blob(blobId);
    if (opts.contentLength !== undefined && opts.contentLength <= SMALL_BODY_BYTES) {
      // Small bodies are gathered first and sent with the request head in one write.
      const whole = await collectBody(body);
      return this.http.json<BlobPutResult>({ method: 'PUT', path, requestId: opts.requestId, headers, body: whole });
    }
    // The client aborts the upstream request if the body errors or closes before it ends; the
    // caller gets the body's own error.
    let bodyFailure: unknown;
    const onError = (err: Error) => {
      bodyFailure ??= err;
    };
    const onClose = () => {
      if (!body.readableEnded) bodyFailure ??= new S3Error('IncompleteBody', 'blob body closed before it ended');
    };
    body.on('error', onError);
    body.on('close', onClose);
    try {
      return await this.http.json<BlobPutResult>({ method: 'PUT', path, requestId: opts.requestId, headers, stream: body });
    } catch (err) {
      throw bodyFailure ?? err;
    } finally {
      body.off('close', onClose);
      body.off('error', onError);
    }
  }

  /** Plaintext of the blob (or the inclusive plaintext range). */
  get(orgId: OrgId, part: ManifestPart, range: { start: number; end: number } | undefined, requestId?: string): Promise<InternalResponse> {
    return this.#get(orgId, part, range, requestId, false);
  }

  /** Plaintext of a whole blob read before metadata confirmed it (the gateway's read-ahead): if it is gone, that is no fault. */
  readAhead(orgId: OrgId, part: ManifestPart, requestId?: string): Promise<InternalResponse> {
    return this.#get(orgId, part, undefined, requestId, true);
  }

  #get(orgId: OrgId, part: ManifestPart, range: { start: number; end: number } | undefined, requestId: string | undefined, guessed: boolean): Promise<InternalResponse> {
    const headers = this.capability(orgId, 'get', part.blobId);
    headers[INTERNAL_HEADERS.key] = Buffer.from(JSON.stringify(part.encryption), 'utf8').toString('base64url');
    headers[INTERNAL_HEADERS.size] = String(part.size);
    if (range) headers[INTERNAL_HEADERS.range] = `${range.start}-${range.end}`;
    if (guessed) headers[INTERNAL_HEADERS.readAhead] = '1';
    return this.http.raw({ method: 'GET', path: BLOB_ROUTES.blob(part.blobId), requestId, headers });
  }

  /** Idempotent: deleting a missing blob succeeds. */
  async delete(orgId: OrgId, blobId: string, requestId?: string): Promise<void> {
    await this.http.json<unknown>({ method: 'DELETE', path: BLOB_ROUTES.blob(blobId), headers: this.capability(orgId, 'delete', blobId), requestId });
  }

  /** Every blob of every org (system token: the janitor's orphan sweep). */
  systemList(systemToken: string, opts: { after?: string; limit?: number }): Promise<BlobListing> {
    const query = new URLSearchParams();
    if (opts.after !== undefined) query.set('after', opts.after);
    if (opts.limit !== undefined) query.set('limit', String(opts.limit));
    return this.http.json<BlobListing>({ method: 'GET', path: `${BLOB_ROUTES.systemList}?${query}`, token: systemToken });
  }

  /** Delete any blob (system token: outbox drain and orphan sweep). Idempotent. */
  async systemDelete(systemToken: string, blobId: string): Promise<void> {
    await this.http.json<unknown>({ method: 'DELETE', path: BLOB_ROUTES.systemBlob(blobId), token: systemToken });
  }
}

/**
 * The whole body; rejects with its error, or IncompleteBody if it closes before it ends. Plain
 * listeners, not `for await`: that builds an async iterator, an end-of-stream watcher and a
 * promise per chunk, for bodies that are a few KiB (small PUT bodies, small GET responses).
 */
export function collectBody(body: Readable): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    // Already gone: its 'close' will not come again.
    if (body.destroyed && !body.readableEnded) return reject(body.errored ?? incompleteBody());
    const chunks: Buffer[] = [];
    const onData = (chunk: Buffer | string) => chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    const done = (err?: unknown) => {
      body.off('data', onData);
      body.off('end', done);
      body.off('error', done);
      body.off('close', onClose);
      if (err) reject(err);
      else resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    };
    const onClose = () => {
      if (!body.readableEnded) done(incompleteBody());
    };
    body.on('data', onData);
    body.on('end', done);
    body.on('error', done);
    body.on('close', onClose);
  });
}

function incompleteBody(): S3Error {
  return new S3Error('IncompleteBody', 'blob body closed before it ended');
}
