// Client-side aws-chunked encoder, for tests only: builds bodies the way the SDKs send them.
import { canonicalTrailers, chunkStringToSign, trailerStringToSign } from '../chunk-signature';
import { computeSignature, sha256Hex } from '../signing';
import type { PayloadMode } from '../types';

export const EXAMPLE_ACCESS_KEY = 'AKIAIOSFODNN7EXAMPLE';
export const EXAMPLE_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

export interface EncodeOptions {
  mode: Exclude<PayloadMode, 'signed' | 'UNSIGNED-PAYLOAD'>;
  data: Buffer;
  /** Explicit chunk sizes; defaults to 64 KiB chunks. */
  chunkSizes?: number[];
  signingKey?: Buffer;
  seedSignature?: string;
  amzDate?: string;
  scope?: string;
  trailers?: Array<[string, string]>;
}

export interface Encoded {
  body: Buffer;
  chunkSignatures: string[];
  trailerSignature?: string;
}

export function encodeAwsChunked(opts: EncodeOptions): Encoded {
  const signed = opts.mode !== 'STREAMING-UNSIGNED-PAYLOAD-TRAILER';
  const sizes = opts.chunkSizes ?? defaultSizes(opts.data.length, 64 * 1024);
  const parts: Buffer[] = [];
  const chunkSignatures: string[] = [];
  let previous = opts.seedSignature ?? '';
  const sign = (dataHash: string) => {
    const sig = computeSignature(opts.signingKey!, chunkStringToSign(opts.amzDate!, opts.scope!, previous, dataHash));
    chunkSignatures.push(sig);
    previous = sig;
    return sig;
  };
  let offset = 0;
  for (const size of [...sizes, 0]) {
    const chunk = opts.data.subarray(offset, offset + size);
    offset += size;
    const head = signed ? `${size.toString(16)};chunk-signature=${sign(sha256Hex(chunk))}` : size.toString(16);
    parts.push(Buffer.from(head + '\r\n', 'latin1'));
    if (size > 0) parts.push(chunk, Buffer.from('\r\n'));
  }
  let trailerSignature: string | undefined;
  const trailers = opts.trailers ?? [];
  for (const [name, value] of trailers) parts.push(Buffer.from(`${name}:${value}\r\n`));
  if (signed && opts.mode === 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER') {
    trailerSignature = computeSignature(
      opts.signingKey!,
      trailerStringToSign(opts.amzDate!, opts.scope!, previous, canonicalTrailers(trailers)),
    );
    parts.push(Buffer.from(`x-amz-trailer-signature:${trailerSignature}\r\n`));
  }
  parts.push(Buffer.from('\r\n'));
  return { body: Buffer.concat(parts), chunkSignatures, trailerSignature };
}

function defaultSizes(total: number, chunk: number): number[] {
  const sizes: number[] = [];
  for (let left = total; left > 0; left -= chunk) sizes.push(Math.min(chunk, left));
  return sizes;
}
