import { createHash, createHmac } from 'node:crypto';
import http from 'node:http';

/** Hand-made requests, for inputs the SDK would never send (tampered chunks, wrong hashes). */
export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export function rawRequest(opts: { port: number; method: string; path: string; headers: Record<string, string>; body?: Buffer | string }): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: opts.port, method: opts.method, path: opts.path, headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

export const sha256Hex = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();

export function signingKey(secret: string, date: string, region = 'auto', service = 's3'): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
}

export function amzNow(offsetMs = 0): { amzDate: string; date: string } {
  const amzDate = new Date(Date.now() + offsetMs).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  return { amzDate, date: amzDate.slice(0, 8) };
}

/**
 * Signs a request with header auth the way AWS documents it (path is already URI-encoded, no
 * query); `payloadHash` is what goes into x-amz-content-sha256.
 */
export function signHeaders(opts: {
  method: string;
  path: string;
  host: string;
  accessKeyId: string;
  secret: string;
  payloadHash: string;
  extraHeaders?: Record<string, string>;
  offsetMs?: number;
}): { headers: Record<string, string>; signature: string; key: Buffer; amzDate: string; scope: string } {
  const { amzDate, date } = amzNow(opts.offsetMs);
  const headers: Record<string, string> = { host: opts.host, 'x-amz-content-sha256': opts.payloadHash, 'x-amz-date': amzDate, ...opts.extraHeaders };
  const names = Object.keys(headers).map((h) => h.toLowerCase()).sort();
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  const canonical = [opts.method, opts.path, '', ...names.map((n) => `${n}:${lower[n]!.trim()}`), '', names.join(';'), opts.payloadHash].join('\n');
  const scope = `${date}/auto/s3/aws4_request`;
  const sts = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonical)].join('\n');
  const key = signingKey(opts.secret, date);
  const signature = hmac(key, sts).toString('hex');
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${opts.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`;
  return { headers, signature, key, amzDate, scope };
}

/** aws-chunked body with a valid signature chain; `tamper` corrupts one chunk signature. */
export function chunkedBody(opts: { data: Buffer; chunkSize: number; key: Buffer; seed: string; amzDate: string; scope: string; tamper?: number }): Buffer {
  const parts: Buffer[] = [];
  let previous = opts.seed;
  const chunks: Buffer[] = [];
  for (let i = 0; i < opts.data.length; i += opts.chunkSize) chunks.push(opts.data.subarray(i, i + opts.chunkSize));
  chunks.push(Buffer.alloc(0));
  chunks.forEach((chunk, i) => {
    const sts = ['AWS4-HMAC-SHA256-PAYLOAD', opts.amzDate, opts.scope, previous, sha256Hex(''), sha256Hex(chunk)].join('\n');
    let sig = hmac(opts.key, sts).toString('hex');
    previous = sig;
    if (opts.tamper === i) sig = (sig[0] === 'a' ? 'b' : 'a') + sig.slice(1);
    parts.push(Buffer.from(`${chunk.length.toString(16)};chunk-signature=${sig}\r\n`), chunk, Buffer.from('\r\n'));
  });
  return Buffer.concat(parts);
}

/**
 * A signed request from the main test org, path-style, for bodies the SDK would never send.
 * `path` may carry a query string (`/bucket?delete`); it is canonicalised as SigV4 requires.
 */
export async function signedRequest(opts: { method: string; path: string; body?: string | Buffer; headers?: Record<string, string>; contentMd5?: boolean }): Promise<RawResponse> {
  const { stack } = await import('./stack');
  const s = stack();
  const body = opts.body === undefined ? Buffer.alloc(0) : Buffer.from(opts.body);
  const [rawPath, rawQuery = ''] = opts.path.split('?');
  const query = new URLSearchParams(rawQuery);
  const enc = (v: string) => encodeURIComponent(v).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const canonicalQuery = [...query.entries()].map(([k, v]) => `${enc(k)}=${enc(v)}`).sort().join('&');
  const payloadHash = sha256Hex(body);
  const { amzDate, date } = amzNow();
  const headers: Record<string, string> = {
    host: `127.0.0.1:${s.port}`,
    'x-amz-content-sha256': payloadHash,
    'x-amz-date': amzDate,
    'content-length': String(body.length),
    ...(opts.contentMd5 ? { 'content-md5': createHash('md5').update(body).digest('base64') } : {}),
    ...opts.headers,
  };
  const names = Object.keys(headers).map((h) => h.toLowerCase()).sort();
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  const canonical = [opts.method, rawPath, canonicalQuery, ...names.map((n) => `${n}:${lower[n]!.trim()}`), '', names.join(';'), payloadHash].join('\n');
  const scope = `${date}/auto/s3/aws4_request`;
  const sts = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonical)].join('\n');
  const signature = hmac(signingKey(s.secretAccessKey, date), sts).toString('hex');
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${s.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`;
  return rawRequest({ port: s.port, method: opts.method, path: opts.path, headers, body });
}

/** An unsigned request on the org's own host name, path-style. */
export async function anonymous(method: string, path: string, orgId?: string): Promise<RawResponse> {
  const { stack } = await import('./stack');
  const s = stack();
  orgId ??= s.orgId;
  return rawRequest({ port: s.port, method, path, headers: { host: `${orgId}.${s.baseDomain}:${s.port}` }, body: method === 'PUT' ? 'x' : undefined });
}

