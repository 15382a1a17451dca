import { canonicalRequest, stringToSign } from './canonical';
import { SigV4Error } from './errors';
import { verifySignature } from './signing';
import type { HttpRequestLike, ParsedAuth } from './types';

/**
 * canonicalRequest -> stringToSign -> constant-time compare in one step, for callers that hold
 * the signing key. The error carries the same diagnostics S3 returns so clients can debug.
 */
export function verifyRequest(req: HttpRequestLike, auth: ParsedAuth, signingKey: Buffer): void {
  const creq = canonicalRequest(req, auth);
  const sts = stringToSign(auth, creq);
  if (!verifySignature(signingKey, sts, auth.signature)) {
    throw new SigV4Error(
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
      { AWSAccessKeyId: auth.accessKeyId, StringToSign: sts, SignatureProvided: auth.signature, CanonicalRequest: creq },
    );
  }
}
