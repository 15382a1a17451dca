import type { IncomingMessage } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { BlobPutResult } from '@excloud/contracts';
import { ciphertextLength, createEncryptor } from '@excloud/crypto';
import { S3Error } from '@excloud/s3-protocol';
import { sendJson, type HotRoute, type Logger } from '@excloud/service-kit';
import { toS3Error } from '../backend-errors';
import { DigestingStream, parseChecksumList } from '../digests';
import { BLOB_HEADERS, header, optionalSize } from '../request-headers';
import { authorizeBlob, type BlobRouteDeps } from './deps';

/**
 * PUT /v1/blobs/<id>: plaintext in → digests → encryptor → backend, under the id the gateway's
 * capability names. Answers only after backend.put resolved (the blob is durable). Any failure on
 * the way in (client abort, size limit, short body) errors the stream before it ends, so
 * backend.put rejects and nothing becomes visible.
 */
export function putBlobRoute(deps: BlobRouteDeps): HotRoute {
  return { operation: 'put_blob', handle: ({ req, res, log }) => putBlob(deps, req, log).then((result) => sendJson(res, 200, result)) };
}

async function putBlob(deps: BlobRouteDeps, req: IncomingMessage, log: Logger): Promise<BlobPutResult> {
  const { blobId } = authorizeBlob(deps, req, 'put');
  const algorithms = parseChecksumList(header(req, BLOB_HEADERS.checksums));
  const maxSize = optionalSize(req, BLOB_HEADERS.maxSize);
  const contentLength = optionalSize(req, BLOB_HEADERS.contentLength);
  if (maxSize !== undefined && contentLength !== undefined && contentLength > maxSize) {
    throw new S3Error('EntityTooLarge', undefined, { ProposedSize: String(contentLength), MaxSizeAllowed: String(maxSize) });
  }

  const digester = new DigestingStream(algorithms, { maxSize, contentLength });
  const { keyInfo, stream: encryptor } = createEncryptor({ ring: deps.keyRing, blobId });
  const input = pipeInput(req, digester);
  const encrypting = pipeline(digester, encryptor);
  const [stored, piped] = await Promise.allSettled([deps.backend.put({ id: blobId, body: encryptor }), encrypting]);
  input.detach();

  if (piped.status === 'rejected' || stored.status === 'rejected') {
    if (stored.status === 'fulfilled') await discard(deps, blobId, log);
    throw toS3Error(pickFailure(piped, stored));
  }
  const digests = digester.digests;
  const expectedStored = ciphertextLength(digests.size);
  if (stored.value.size !== expectedStored) {
    await discard(deps, blobId, log);
    throw new Error(`backend stored ${stored.value.size} bytes for blob ${blobId}, expected ${expectedStored}`);
  }
  deps.metrics.bytesWritten.inc(digests.size);
  return { blobId, ...digests, encryption: keyInfo };
}

/**
 * Pipes the request into the digester by hand rather than with pipeline(): when the upload is
 * refused (too large) or the backend fails, the request must be drained, not destroyed, or the
 * caller would see a reset connection instead of our error response.
 */
function pipeInput(req: IncomingMessage, digester: DigestingStream): { detach(): void } {
  const onError = (err: Error) => digester.destroy(new S3Error('IncompleteBody', `request body failed: ${err.message}`));
  const onClose = () => {
    if (!req.readableEnded) digester.destroy(new S3Error('IncompleteBody', 'request aborted before the body ended'));
  };
  const onDigesterError = () => {
    req.unpipe(digester);
    req.resume(); // discard the rest so the error response can still be delivered
  };
  req.on('error', onError);
  req.on('close', onClose);
  digester.on('error', onDigesterError);
  req.pipe(digester);
  return {
    detach() {
      req.off('error', onError);
      req.on('error', () => undefined); // a reset while draining is nobody's problem any more
      req.off('close', onClose);
      req.unpipe(digester);
      if (!req.readableEnded) req.resume();
    },
  };
}

/**
 * Input-side failures (abort, too large, short body) are S3Errors and say what went wrong; the
 * other side's error is then only a consequence (a premature close). Otherwise the backend's own
 * error is the cause.
 */
function pickFailure(piped: PromiseSettledResult<unknown>, stored: PromiseSettledResult<unknown>): unknown {
  const reasons = [piped, stored].filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as unknown);
  return reasons.find((r) => r instanceof S3Error) ?? (stored.status === 'rejected' ? stored.reason : reasons[0]);
}

async function discard(deps: BlobRouteDeps, blobId: string, log: Logger): Promise<void> {
  // Unreferenced either way; if this fails the janitor's orphan sweep reclaims it.
  await deps.backend.delete({ id: blobId }).catch((err: unknown) => log.warn('could not discard failed blob', { blobId, err }));
}
