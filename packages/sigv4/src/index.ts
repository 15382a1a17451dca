// SigV4 verification for an S3-compatible server. Pure: it never sees secrets, only signing keys.
export { SigV4Error } from './errors';
export type { HttpRequestLike, ParsedAuth, PayloadMode } from './types';
export { parseAuth } from './parse-auth';
export { parsePostPolicyAuth, postPolicyStringToSign } from './post-policy';
export type { PostPolicyFields } from './post-policy';
export { canonicalRequest, credentialScope, stringToSign } from './canonical';
export { computeSignature, deriveSigningKey, sha256Hex, verifySignature, EMPTY_SHA256 } from './signing';
export { verifyRequest } from './verify';
export { checkRequestTime, MAX_SKEW_MS, MAX_PRESIGN_EXPIRES_SECONDS } from './time';
export { canonicalQueryString, canonicalUri, uriEncode } from './encoding';
export { createChunkedDecoder } from './chunked-decoder';
export type { ChunkedDecoder, ChunkedDecoderOptions } from './chunked-decoder';
export { chunkStringToSign, trailerStringToSign, canonicalTrailers } from './chunk-signature';
export {
  CHECKSUM_BYTES,
  checksumAlgorithmFromHeader,
  checksumHeaderName,
  createChecksum,
  isWellFormedChecksum,
} from './checksum';
export type { Checksum, ChecksumAlgorithm } from './checksum';
export { combineCrcs, isCombinableCrc } from './crc-combine';
