import { canonicalHeaderValue, canonicalQueryString, canonicalUri } from './encoding';
import { ALGORITHM, sha256Hex } from './signing';
import type { HttpRequestLike, ParsedAuth } from './types';

export function credentialScope(auth: Pick<ParsedAuth, 'date' | 'region' | 'service'>): string {
  return `${auth.date}/${auth.region}/${auth.service}/aws4_request`;
}

/**
 * The SigV4 canonical request. Header lines follow the client's SignedHeaders order (which the
 * SDKs sort) so that what the client hashed is reproduced as-is. A listed header the request does
 * not carry contributes no line, matching what AWS accepts from clients that list such headers.
 */
export function canonicalRequest(req: HttpRequestLike, auth: ParsedAuth): string {
  const query =
    auth.kind === 'presigned'
      ? canonicalQueryString(req.rawQuery, (name) => name === 'X-Amz-Signature')
      : canonicalQueryString(req.rawQuery);
  let headerLines = '';
  for (const name of auth.signedHeaders) {
    const lower = name.toLowerCase();
    const value = req.headers[lower];
    if (value === undefined) continue;
    headerLines += `${lower}:${canonicalHeaderValue(value)}\n`;
  }
  return [
    req.method,
    canonicalUri(req.rawPath),
    query,
    headerLines,
    auth.signedHeaders.join(';'),
    auth.payloadHash,
  ].join('\n');
}

export function stringToSign(auth: ParsedAuth, canonicalRequestText: string): string {
  return [ALGORITHM, auth.amzDate, credentialScope(auth), sha256Hex(canonicalRequestText)].join('\n');
}
