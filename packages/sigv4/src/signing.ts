import crypto, { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export const ALGORITHM = 'AWS4-HMAC-SHA256';
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** Node's one-shot hash (20.12+) skips the Hash object a per-request canonical request paid for. */
const oneShot = (crypto as { hash?: (alg: string, data: string | Uint8Array, enc: 'hex') => string }).hash;

export function sha256Hex(data: string | Uint8Array): string {
  return oneShot ? oneShot('sha256', data, 'hex') : createHash('sha256').update(data).digest('hex');
}

export function hmacSha256(key: Uint8Array | string, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

/** kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request"). */
export function deriveSigningKey(secret: string, date: string, region: string, service: string): Buffer {
  const kDate = hmacSha256('AWS4' + secret, date);
  const kRegion = hmacSha256(kDate, region);
  const kService = hmacSha256(kRegion, service);
  return hmacSha256(kService, 'aws4_request');
}

export function computeSignature(signingKey: Buffer, stringToSign: string): string {
  return hmacSha256(signingKey, stringToSign).toString('hex');
}

const SIGNATURE_HEX = /^[0-9a-fA-F]{64}$/;

/**
 * Compares a provided hex signature with an expected raw digest in constant time. Anything that is
 * not 64 hex digits can never match, and its length is not secret, so it is rejected up front.
 */
export function signatureMatches(expected: Buffer, providedHex: string): boolean {
  if (!SIGNATURE_HEX.test(providedHex)) return false;
  return timingSafeEqual(expected, Buffer.from(providedHex, 'hex'));
}

export function verifySignature(signingKey: Buffer, sts: string, signatureHex: string): boolean {
  return signatureMatches(hmacSha256(signingKey, sts), signatureHex);
}
