import { createHash, createHmac } from 'node:crypto';

/**
 * The generator's own AWS Signature V4 (header auth). It is deliberately separate from the
 * server's @excloud/sigv4 so a bug shared by both sides could not hide, and it is cheap: the
 * derived signing key is cached per day, and payload hashes are precomputed by the caller (or the
 * request says UNSIGNED-PAYLOAD), so signing costs two HMACs and one SHA-256 of a short string.
 */
export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  service?: string;
}

export interface RequestToSign {
  method: string;
  /** The path exactly as it goes on the wire (already URI-encoded, `/bucket/key`). */
  path: string;
  /** Query parameters, unencoded; order does not matter. */
  query?: Array<[string, string]>;
  /** Headers to sign (names in any case); must include `host`. */
  headers: Record<string, string>;
  /** Hex SHA-256 of the body, or UNSIGNED-PAYLOAD. */
  payloadHash: string;
}

export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
export const EMPTY_SHA256 = createHash('sha256').update('').digest('hex');

export class SigV4Signer {
  private readonly service: string;
  private cachedDay = '';
  private cachedKey: Buffer = Buffer.alloc(0);

  constructor(private readonly creds: SigningCredentials) {
    this.service = creds.service ?? 's3';
  }

  /** Returns the headers to send: the given ones plus x-amz-date, x-amz-content-sha256 and authorization. */
  sign(req: RequestToSign, now: Date = new Date()): Record<string, string> {
    const amzDate = toAmzDate(now);
    const day = amzDate.slice(0, 8);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) headers[name.toLowerCase()] = value;
    headers['x-amz-date'] = amzDate;
    headers['x-amz-content-sha256'] = req.payloadHash;

    const names = Object.keys(headers).sort();
    const canonicalHeaders = names.map((n) => `${n}:${headers[n].trim().replace(/\s+/g, ' ')}\n`).join('');
    const signedHeaders = names.join(';');
    const canonical = [req.method.toUpperCase(), req.path, canonicalQuery(req.query ?? []), canonicalHeaders, signedHeaders, req.payloadHash].join('\n');
    const scope = `${day}/${this.creds.region}/${this.service}/aws4_request`;
    const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonical)].join('\n');
    const signature = createHmac('sha256', this.signingKey(day)).update(stringToSign).digest('hex');
    headers.authorization = `AWS4-HMAC-SHA256 Credential=${this.creds.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
    return headers;
  }

  private signingKey(day: string): Buffer {
    if (day !== this.cachedDay) {
      this.cachedKey = deriveSigningKey(this.creds.secretAccessKey, day, this.creds.region, this.service);
      this.cachedDay = day;
    }
    return this.cachedKey;
  }
}

export function deriveSigningKey(secret: string, day: string, region: string, service: string): Buffer {
  const kDate = createHmac('sha256', `AWS4${secret}`).update(day).digest();
  const kRegion = createHmac('sha256', kDate).update(region).digest();
  const kService = createHmac('sha256', kRegion).update(service).digest();
  return createHmac('sha256', kService).update('aws4_request').digest();
}

/** RFC 3986 encoding as SigV4 wants it: everything but unreserved characters, upper-case hex. */
export function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

/** A key as a wire path: each segment encoded, slashes kept. */
export function encodeKeyPath(bucket: string, key?: string): string {
  if (key === undefined) return `/${uriEncode(bucket)}`;
  return `/${uriEncode(bucket)}/${key.split('/').map(uriEncode).join('/')}`;
}

export function canonicalQuery(query: Array<[string, string]>): string {
  return query
    .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

/** The query string to put on the wire (same encoding as the canonical form, so they always agree). */
export function wireQuery(query: Array<[string, string]>): string {
  return query.length === 0 ? '' : '?' + canonicalQuery(query);
}

export function toAmzDate(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

export function sha256Hex(s: string | Buffer): string {
  return createHash('sha256').update(s).digest('hex');
}
