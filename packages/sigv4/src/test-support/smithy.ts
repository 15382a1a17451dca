// Loads the AWS SDK's signer from the e2e workspace (installed there, not here), for tests only.
import * as path from 'node:path';

const E2E = path.join(__dirname, '..', '..', '..', '..', 'test-e2e');

export function e2eRequire<T = any>(id: string): T {
  return require(require.resolve(id, { paths: [E2E] })) as T;
}

export interface SmithyRequest {
  method: string;
  protocol: string;
  hostname: string;
  port?: number;
  path: string;
  query: Record<string, string | string[]>;
  headers: Record<string, string>;
  body?: unknown;
}

export interface SmithySigner {
  signRequest(req: SmithyRequest, opts: { signingDate: Date }): Promise<SmithyRequest>;
  presign(
    req: SmithyRequest,
    opts: { signingDate: Date; expiresIn: number; unsignableHeaders?: Set<string>; unhoistableHeaders?: Set<string> },
  ): Promise<SmithyRequest>;
}

/** A signer configured the way the S3 client configures it. */
export function s3Signer(accessKeyId: string, secretAccessKey: string, region: string): SmithySigner {
  const { SignatureV4 } = e2eRequire('@smithy/signature-v4');
  const { Sha256 } = e2eRequire('@aws-crypto/sha256-js');
  return new SignatureV4({
    credentials: { accessKeyId, secretAccessKey },
    region,
    service: 's3',
    sha256: Sha256,
    uriEscapePath: false,
    applyChecksum: false,
  });
}

/** encodeURIComponent plus !'()*, as the S3 client encodes keys and query values. */
export function sdkEscape(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

/** The query string as the SDK's HTTP handler puts it on the wire. */
export function sdkQueryString(query: Record<string, string | string[]>): string {
  const parts: string[] = [];
  for (const key of Object.keys(query).sort()) {
    const value = query[key];
    for (const v of Array.isArray(value) ? value : [value]) parts.push(`${sdkEscape(key)}=${sdkEscape(v)}`);
  }
  return parts.join('&');
}

/** How node presents header values: lower-case names, each byte of the UTF-8 value as one char. */
export function asNodeHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) out[name.toLowerCase()] = Buffer.from(value, 'utf8').toString('latin1');
  return out;
}
