import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Transform, type Readable } from 'node:stream';
import { checksumAlgorithmFromHeader, header, type Checksums } from '@excloud/contracts';
import { S3Error, toS3Error } from '@excloud/s3-protocol';
import { createChunkedDecoder, type ChunkedDecoder } from '@excloud/sigv4';
import type { AnyCaller, Caller } from './authenticate';


/** The decoded payload of an upload, checked against what the client signed while it streams. */
export interface UploadBody {
  stream: Readable;
  /**
   * Payload bytes the client declared (Content-Length, or x-amz-decoded-content-length), or
   * undefined for a `Transfer-Encoding: chunked` body of unknown length.
   */
  length: number | undefined;
  /** What the body may not exceed: its declared length, or the caller's limit when none was declared. */
  maxBytes: number;
  /** Checksums the client sent as headers: to be compared with what the blob service computed. */
  headerChecksums: Checksums;
  /** Checksums that arrived as trailers (already verified by the decoder); complete after the stream ends. */
  trailerChecksums(): Checksums;
  /** The error that broke the body stream, as an S3 error, if any. */
  failure(): unknown;
}

export function openUploadBody(req: IncomingMessage, anyCaller: AnyCaller | null, maxBytes: number): UploadBody {
  const caller: Caller | null = anyCaller && !anyCaller.anonymous ? anyCaller : null;
  const mode = caller?.auth.payloadMode ?? 'UNSIGNED-PAYLOAD';
  const streaming = mode.startsWith('STREAMING-');
  const length = declaredLength(req, streaming);
  if (length !== undefined && length > maxBytes) {
    throw new S3Error('EntityTooLarge', undefined, { ProposedSize: String(length), MaxSizeAllowed: String(maxBytes) });
  }
  const headerChecksums = checksumsFromHeaders(req);
  let failure: unknown;
  let decoder: ChunkedDecoder | undefined;
  let stream: Readable;
  if (streaming) {
    decoder = createChunkedDecoder({
      mode,
      signingKey: caller?.signingKey,
      seedSignature: caller?.auth.signature,
      amzDate: caller?.auth.amzDate,
      scope: caller ? `${caller.auth.date}/${caller.auth.region}/${caller.auth.service}/aws4_request` : undefined,
      decodedContentLength: length,
      expectedTrailer: header(req, 'x-amz-trailer'),
    });
    stream = req.pipe(decoder);
  } else if (mode === 'signed' && caller) {
    stream = req.pipe(sha256Check(caller.auth.payloadHash));
  } else {
    stream = req;
  }
  const fail = (err: unknown) => {
    failure ??= toS3Error(err);
  };
  stream.on('error', fail);
  if (stream !== req) req.on('error', (err) => stream.destroy(err));
  req.on('aborted', () => {
    const err = new S3Error('IncompleteBody');
    fail(err);
    stream.destroy(err);
  });
  return {
    stream,
    length,
    maxBytes: length ?? maxBytes,
    headerChecksums,
    trailerChecksums: () => {
      const out: Checksums = {};
      for (const [name, value] of Object.entries(decoder?.trailers ?? {})) {
        const alg = checksumAlgorithmFromHeader(name);
        if (alg) out[alg] = value;
      }
      return out;
    },
    failure: () => failure,
  };
}

function declaredLength(req: IncomingMessage, streaming: boolean): number | undefined {
  const raw = streaming ? header(req, 'x-amz-decoded-content-length') : header(req, 'content-length');
  // HTTP libraries stream bodies of unknown length chunked, as Ceph RGW and MinIO accept; the
  // blob service then enforces the limit while the bytes arrive. aws-chunked still needs its length.
  if (raw === undefined && !streaming && /(^|,)\s*chunked\s*$/i.test(header(req, 'transfer-encoding') ?? '')) return undefined;
  if (raw === undefined) throw new S3Error('MissingContentLength');
  if (!/^\d+$/.test(raw)) throw new S3Error('InvalidArgument', `invalid ${streaming ? 'x-amz-decoded-content-length' : 'Content-Length'}`);
  return Number(raw);
}

function checksumsFromHeaders(req: IncomingMessage): Checksums {
  const out: Checksums = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (!name.startsWith('x-amz-checksum-') || typeof value !== 'string') continue;
    const alg = checksumAlgorithmFromHeader(name);
    // An unknown x-amz-checksum-* header (or x-amz-checksum-type) never fails a request.
    if (alg) out[alg] = value;
  }
  return out;
}

/** Verifies the signed payload hash as the bytes pass; a mismatch fails the stream before it ends. */
function sha256Check(expectedHex: string): Transform {
  const hash = createHash('sha256');
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      cb(null, chunk);
    },
    flush(cb) {
      const actual = hash.digest('hex');
      if (actual !== expectedHex.toLowerCase()) {
        cb(new S3Error('XAmzContentSHA256Mismatch', undefined, { ClientComputedContentSHA256: expectedHex, S3ComputedContentSHA256: actual }));
      } else cb();
    },
  });
}


/** A small request body (an XML document), verified like an upload and capped at `limit` bytes. */
export async function readSmallBody(req: IncomingMessage, caller: AnyCaller | null, limit = 1024 * 1024): Promise<Buffer> {
  const hasBody = header(req, 'content-length') !== undefined || header(req, 'x-amz-decoded-content-length') !== undefined;
  if (!hasBody && header(req, 'transfer-encoding') === undefined) return Buffer.alloc(0);
  const body = openUploadBody(req, caller, limit);
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of body.stream) chunks.push(chunk as Buffer);
  } catch (err) {
    throw body.failure() ?? err;
  }
  if (body.failure()) throw body.failure();
  return Buffer.concat(chunks);
}
