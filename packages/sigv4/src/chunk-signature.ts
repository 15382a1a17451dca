import { EMPTY_SHA256, hmacSha256, sha256Hex, signatureMatches } from './signing';

/** String-to-sign of one aws-chunked data chunk (the empty-string hash line is fixed by AWS). */
export function chunkStringToSign(amzDate: string, scope: string, previousSignature: string, chunkSha256Hex: string): string {
  return ['AWS4-HMAC-SHA256-PAYLOAD', amzDate, scope, previousSignature, EMPTY_SHA256, chunkSha256Hex].join('\n');
}

/** Trailing headers as they are signed: `name:value\n` per header, in the order they were sent. */
export function canonicalTrailers(entries: ReadonlyArray<readonly [string, string]>): string {
  return entries.map(([name, value]) => `${name}:${value}\n`).join('');
}

/** String-to-sign of the trailer chunk; the previous signature is that of the final 0-byte chunk. */
export function trailerStringToSign(amzDate: string, scope: string, previousSignature: string, canonicalTrailerText: string): string {
  return ['AWS4-HMAC-SHA256-TRAILER', amzDate, scope, previousSignature, sha256Hex(canonicalTrailerText)].join('\n');
}

/**
 * The running signature of a signed aws-chunked body: each chunk is signed over the previous
 * chunk's signature, starting from the seed (the request's own signature), so chunks can't be
 * dropped, reordered or spliced from another upload.
 */
export class SignatureChain {
  private previous: string;

  constructor(
    private readonly signingKey: Buffer,
    private readonly amzDate: string,
    private readonly scope: string,
    seedSignature: string,
  ) {
    this.previous = seedSignature.toLowerCase();
  }

  /** Verifies a chunk and, only when it matches, advances the chain to its signature. */
  verifyChunk(chunkSha256Hex: string, providedSignature: string): boolean {
    const expected = hmacSha256(this.signingKey, chunkStringToSign(this.amzDate, this.scope, this.previous, chunkSha256Hex));
    if (!signatureMatches(expected, providedSignature)) return false;
    this.previous = expected.toString('hex');
    return true;
  }

  verifyTrailer(canonicalTrailerText: string, providedSignature: string): boolean {
    const expected = hmacSha256(this.signingKey, trailerStringToSign(this.amzDate, this.scope, this.previous, canonicalTrailerText));
    return signatureMatches(expected, providedSignature);
  }
}
