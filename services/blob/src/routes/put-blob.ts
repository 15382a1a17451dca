import type { IncomingMessage } from 'node:http';
import type { BlobPutResult } from '@excloud/contracts';
import { ciphertextLength, openSealer, type FrameSealer } from '@excloud/crypto';
import { S3Error } from '@excloud/s3-protocol';
import { sendJson, type HotRoute, type Logger } from '@excloud/service-kit';
import { toS3Error } from '../backend-errors';
import { BodyDigests, parseChecksumList, type PlaintextDigests } from '../digests';
import { RequestBodyReader } from '../request-body';
import { BLOB_HEADERS, header, optionalSize } from '../request-headers';
import { authorizeBlob, type BlobRouteDeps } from './deps';
import { md5Thread } from '../md5-thread';

/** Bodies at least this large have their MD5 computed on the MD5 thread (see md5-thread.ts). */
export const MD5_THREAD_MIN_BYTES = 256 * 1024;

/**
 * PUT /v1/blobs/<id>: plaintext in → digests → encryption → backend, under the id the gateway's
 * capability names. Answers only after backend.put resolved (the blob is durable). Any failure on
 * the way in (client abort, size limit, short body) throws inside the body the backend is reading,
 * before its last frame, so backend.put rejects and nothing becomes visible.
 *
 * No stream pipeline: the backend pulls from one async generator that digests and seals each
 * request chunk as it comes, so a small body costs a couple of function calls, not a chain of
 * Transforms (and pipeline()'s per-call AbortController).
 */
export function putBlobRoute(deps: BlobRouteDeps): HotRoute {
  return { operation: 'put_blob', handle: ({ req, res, log }) => putBlob(deps, req, log).then((result) => sendJson(res, 200, result)) };
}

/** What the body generator learned: the digests once the body ended whole, or why it did not. */
interface BodyOutcome {
  /** Settles after the MD5 thread answered, possibly after the backend stored the last frame. */
  digests?: Promise<PlaintextDigests>;
  failure?: unknown;
}

async function putBlob(deps: BlobRouteDeps, req: IncomingMessage, log: Logger): Promise<BlobPutResult> {
  const { blobId } = authorizeBlob(deps, req, 'put');
  const algorithms = parseChecksumList(header(req, BLOB_HEADERS.checksums));
  const maxSize = optionalSize(req, BLOB_HEADERS.maxSize);
  const contentLength = optionalSize(req, BLOB_HEADERS.contentLength);
  if (maxSize !== undefined && contentLength !== undefined && contentLength > maxSize) {
    throw new S3Error('EntityTooLarge', undefined, { ProposedSize: String(contentLength), MaxSizeAllowed: String(maxSize) });
  }

  // Small bodies hash inline: handing them to the MD5 thread costs more than it saves.
  const offloadMd5 = contentLength === undefined || contentLength >= MD5_THREAD_MIN_BYTES;
  const digests = new BodyDigests(algorithms, { maxSize, contentLength }, offloadMd5 ? md5Thread().start() : undefined);
  // Request chunks are fresh buffers per socket read, so the sealer may hold them without copying.
  const { keyInfo, sealer } = openSealer({ ring: deps.keyRing, blobId, borrowInput: true });
  const reader = new RequestBodyReader(req);
  const outcome: BodyOutcome = {};
  let stored: { size: number };
  try {
    stored = await deps.backend.put({ id: blobId, body: sealedBody(reader, digests, sealer, outcome) });
  } catch (err) {
    // An input-side failure (abort, too large, short body) says what went wrong; the backend's
    // error is then only its consequence.
    throw toS3Error(outcome.failure ?? err);
  } finally {
    reader.detach();
    sealer.dispose();
  }

  const result = await outcome.digests?.catch(async (err: unknown) => {
    await discard(deps, blobId, log);
    throw err;
  });
  const expectedStored = result ? ciphertextLength(result.size) : -1;
  if (!result || stored.size !== expectedStored) {
    await discard(deps, blobId, log);
    throw new Error(`backend stored ${stored.size} bytes for blob ${blobId}, expected ${result ? expectedStored : 'the whole body'}`);
  }
  deps.metrics.bytesWritten.inc(result.size);
  return { blobId, ...result, encryption: keyInfo };
}

/**
 * The stored bytes of the blob, produced as the backend asks for them (that is the backpressure).
 * The body's completeness is checked before the final frame is sealed: a short body throws while
 * the backend still waits for its last bytes.
 */
async function* sealedBody(reader: RequestBodyReader, digests: BodyDigests, sealer: FrameSealer, outcome: BodyOutcome): AsyncGenerator<Buffer> {
  const out: Buffer[] = [];
  let ended = false;
  try {
    for (;;) {
      const chunk = reader.take();
      if (chunk === undefined) {
        await reader.wait();
        continue;
      }
      if (chunk === null) break;
      const hashing = digests.update(chunk);
      sealer.update(chunk, out);
      for (const piece of out) yield piece;
      out.length = 0;
      if (hashing) await hashing;
    }
    // Not awaited here: the MD5 thread's tail overlaps the backend storing the last frame.
    outcome.digests = digests.finish();
    // Read by the route only if the backend succeeds.
    outcome.digests.catch(() => undefined);
    ended = true;
    sealer.finish(out);
    for (const piece of out) yield piece;
  } catch (err) {
    outcome.failure = err;
    throw err;
  } finally {
    // Also when the backend stopped pulling (it failed): the body will not be finished.
    if (!ended) digests.abandon();
  }
}

async function discard(deps: BlobRouteDeps, blobId: string, log: Logger): Promise<void> {
  // Unreferenced either way; if this fails the janitor's orphan sweep reclaims it.
  await deps.backend.delete({ id: blobId }).catch((err: unknown) => log.warn('could not discard failed blob', { blobId, err }));
}
