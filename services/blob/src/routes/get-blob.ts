import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline, type Readable, type Transform } from 'node:stream';
import { createDecryptor, frameRangeFor, type KeyRing } from '@excloud/crypto';
import type { BlobKeyInfo } from '@excloud/contracts';
import { S3Error } from '@excloud/s3-protocol';
import type { HotRoute, Logger } from '@excloud/service-kit';
import { toS3Error } from '../backend-errors';
import { BLOB_HEADERS, parseKeyHeader, parseRangeHeader, requiredSize } from '../request-headers';
import { authorizeBlob, type BlobRouteDeps } from './deps';

interface ReadPlan {
  /** Stored-byte range to fetch; undefined = the whole blob. */
  storedRange?: { start: number; end: number };
  firstFrame: number;
  skip: number;
  take: number;
}

function planRead(size: number, range: { start: number; end: number } | undefined): ReadPlan {
  if (!range) return { firstFrame: 0, skip: 0, take: size };
  const f = frameRangeFor(size, range);
  return { storedRange: { start: f.cipherStart, end: f.cipherEnd }, firstFrame: f.firstFrame, skip: f.skip, take: f.take };
}

/** Key problems (unknown key id, a wrapped key that doesn't authenticate) are ours, not the caller's: 500. */
function openDecryptor(ring: KeyRing, blobId: string, keyInfo: BlobKeyInfo, size: number, plan: ReadPlan, log: Logger): Transform {
  try {
    return createDecryptor({ ring, blobId, keyInfo, plaintextLength: size, firstFrame: plan.firstFrame, skip: plan.skip, take: plan.take });
  } catch (err) {
    log.error('cannot decrypt blob', { blobId, err });
    throw new S3Error('InternalError', 'blob cannot be decrypted');
  }
}

/**
 * Resolves with the first authenticated plaintext chunk (null for an empty read) or rejects with
 * the decryption error. Waiting for it before sending headers turns the common corruption case
 * (the first frame) into a clean 500 instead of a broken 200.
 */
function firstChunk(stream: Readable): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const done = () => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      stream.pause();
      done();
      resolve(chunk);
    };
    const onEnd = () => {
      done();
      resolve(null);
    };
    const onError = (err: Error) => {
      done();
      reject(err);
    };
    // Destroyed without an error: the reader left before we answered.
    const onClose = () => onError(new Error('blob stream closed before its first byte'));
    stream.on('data', onData);
    stream.once('end', onEnd);
    stream.once('error', onError);
    stream.once('close', onClose);
  });
}

export function getBlobRoute(deps: BlobRouteDeps): HotRoute {
  return { operation: 'get_blob', handle: ({ req, res, log }) => getBlob(deps, req, res, log) };
}

/**
 * GET /v1/blobs/<id>: streams plaintext of the blob or of an inclusive plaintext range, fetching
 * only the stored frames that cover it. The caller supplies the key info and plaintext size from
 * its manifest (this service keeps no metadata). A frame that fails authentication after the
 * headers went out destroys the response: the reader sees an aborted stream, never wrong bytes.
 */
async function getBlob(deps: BlobRouteDeps, req: IncomingMessage, res: ServerResponse, log: Logger): Promise<void> {
  const { blobId } = authorizeBlob(deps, req, 'get');
  const keyInfo = parseKeyHeader(req);
  const size = requiredSize(req, BLOB_HEADERS.size);
  const plan = planRead(size, parseRangeHeader(req, size));

  const decryptor = openDecryptor(deps.keyRing, blobId, keyInfo, size, plan, log);
  let source: NodeJS.ReadableStream;
  try {
    source = await deps.backend.get({ id: blobId, range: plan.storedRange });
  } catch (err) {
    decryptor.destroy();
    // The manifest promises more stored bytes than exist: the blob is damaged, not the request.
    if (err instanceof RangeError) {
      log.error('stored blob is shorter than its manifest says', { blobId, err });
      throw new S3Error('InternalError', 'blob is truncated');
    }
    throw toS3Error(err);
  }
  pipeline(source as Readable, decryptor, () => undefined); // errors surface on the decryptor
  let readerGone = false;
  res.once('close', () => {
    readerGone = true;
    decryptor.destroy(); // stop fetching and decrypting for nobody
  });

  let first: Buffer | null;
  try {
    first = await firstChunk(decryptor);
  } catch (err) {
    if (readerGone) return;
    log.error('blob failed authentication', { blobId, err });
    throw new S3Error('InternalError', 'blob failed authentication');
  }
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(plan.take) });
  if (!first) {
    res.end();
    return;
  }
  deps.metrics.bytesRead.inc(first.length);
  res.write(first);
  pipeline(decryptor, res, (err) => {
    // pipeline already destroyed the response: the reader sees an aborted body, never wrong bytes.
    if (err?.name === 'DecryptionError') log.error('blob failed authentication mid-stream', { blobId, err });
  });
  decryptor.on('data', (chunk: Buffer) => deps.metrics.bytesRead.inc(chunk.length));
}
