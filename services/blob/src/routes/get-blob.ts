import type { IncomingMessage, ServerResponse } from 'node:http';
import { ciphertextLength, frameRangeFor, openBlob, type FrameOpener, type KeyRing } from '@excloud/crypto';
import type { BlobKeyInfo } from '@excloud/contracts';
import { S3Error } from '@excloud/s3-protocol';
import type { HotRoute, Logger } from '@excloud/service-kit';
import { toS3Error } from '../backend-errors';
import { BLOB_HEADERS, header, parseKeyHeader, parseRangeHeader, requiredSize } from '../request-headers';
import { authorizeBlob, type BlobRouteDeps } from './deps';
import { sendPlaintext, sendStoredPlaintext } from './send-plaintext';

interface ReadPlan {
  /** Stored-byte range to fetch: always explicit, so the backend reads exactly that many bytes. */
  storedRange: { start: number; end: number };
  firstFrame: number;
  skip: number;
  take: number;
}

function planRead(size: number, range: { start: number; end: number } | undefined): ReadPlan {
  if (!range) return { storedRange: { start: 0, end: ciphertextLength(size) - 1 }, firstFrame: 0, skip: 0, take: size };
  const f = frameRangeFor(size, range);
  return { storedRange: { start: f.cipherStart, end: f.cipherEnd }, firstFrame: f.firstFrame, skip: f.skip, take: f.take };
}

/** Key problems (unknown key id, a wrapped key that doesn't authenticate) are ours, not the caller's: 500. */
function openFrames(ring: KeyRing, blobId: string, keyInfo: BlobKeyInfo, size: number, plan: ReadPlan, log: Logger): FrameOpener {
  try {
    return openBlob({ ring, blobId, keyInfo, plaintextLength: size, firstFrame: plan.firstFrame, skip: plan.skip, take: plan.take });
  } catch (err) {
    log.error('cannot decrypt blob', { blobId, err });
    throw new S3Error('InternalError', 'blob cannot be decrypted');
  }
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
  const mayBeMissing = header(req, BLOB_HEADERS.readAhead) === '1';

  const opener = openFrames(deps.keyRing, blobId, keyInfo, size, plan, log);
  let stored: Buffer | undefined;
  let source: NodeJS.ReadableStream | undefined;
  try {
    stored = await deps.backend.getSmall?.({ id: blobId, range: plan.storedRange, mayBeMissing });
    // sendPlaintext is done with each chunk when its handler returns: the opener decrypts each frame into new memory and copies partial frames aside.
    if (!stored) source = await deps.backend.get({ id: blobId, range: plan.storedRange, borrow: true, mayBeMissing });
  } catch (err) {
    opener.dispose();
    // The manifest promises more stored bytes than exist: the blob is damaged, not the request.
    if (err instanceof RangeError) {
      log.error('stored blob is shorter than its manifest says', { blobId, err });
      throw new S3Error('InternalError', 'blob is truncated');
    }
    throw toS3Error(err);
  }
  const countBytes = (n: number) => deps.metrics.bytesRead.inc(n);
  if (stored) sendStoredPlaintext({ stored, opener, res, length: plan.take, blobId, log, countBytes });
  else await sendPlaintext({ source: source!, opener, res, length: plan.take, blobId, log, countBytes });
}
