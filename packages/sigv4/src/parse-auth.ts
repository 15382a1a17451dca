import { header } from '@excloud/contracts';
import { amzDateToMillis, dateHeaderToAmzDate } from './dates';
import { SigV4Error } from './errors';
import { parseQuery, type QueryParam } from './encoding';
import { ALGORITHM } from './signing';
import type { HttpRequestLike, ParsedAuth, PayloadMode } from './types';

const STREAMING_MODES: ReadonlySet<string> = new Set([
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER',
  'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
]);
const SHA256_HEX = /^[0-9a-fA-F]{64}$/;
const CREDENTIAL_FORMAT = 'expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".';
const PRESIGN_PARAMS = [
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Date',
  'X-Amz-Expires',
  'X-Amz-SignedHeaders',
  'X-Amz-Signature',
] as const;

/**
 * Reads the SigV4 parameters of a request without verifying anything cryptographic.
 * Returns null for an anonymous request; throws SigV4Error (with the S3 error code) when the
 * authentication information is present but malformed.
 */
export function parseAuth(req: HttpRequestLike): ParsedAuth | null {
  const authorization = req.headers['authorization'];
  const query = parseQuery(req.rawQuery);
  const presigned = query.some((p) => p.name === 'X-Amz-Algorithm');
  if (authorization !== undefined && presigned) {
    throw new SigV4Error(
      'InvalidArgument',
      'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified',
    );
  }
  if (authorization !== undefined) return parseHeaderAuth(req, authorization);
  if (presigned) return parsePresigned(req, query);
  return null;
}

function parseHeaderAuth(req: HttpRequestLike, raw: string | string[]): ParsedAuth {
  const malformed = (why: string) => new SigV4Error('AuthorizationHeaderMalformed', `The authorization header is malformed; ${why}`);
  if (Array.isArray(raw) && raw.length !== 1) throw malformed('only one Authorization header is allowed.');
  const value = (Array.isArray(raw) ? raw[0] : raw).trim();
  const space = value.search(/\s/);
  const algorithm = space === -1 ? value : value.slice(0, space);
  if (algorithm !== ALGORITHM) throw new SigV4Error('InvalidArgument', 'Unsupported Authorization Type');

  // AWS accepts the components separated by ',' with or without spaces; any mix of both is read.
  const fields = new Map<string, string>();
  for (const part of value.slice(algorithm.length).split(/[\s,]+/)) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = eq === -1 ? part : part.slice(0, eq);
    if (eq === -1 || fields.has(key)) throw malformed(`the authorization component "${part}" is malformed.`);
    fields.set(key, part.slice(eq + 1));
  }
  const credential = fields.get('Credential');
  const signedHeadersRaw = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (!credential || !signedHeadersRaw || !signature || fields.size !== 3) {
    throw malformed('the authorization header requires three components: Credential, SignedHeaders, and Signature.');
  }

  const amzDate = requestDate(req);
  const scope = parseCredential(credential, amzDate, malformed);
  const signedHeaders = parseSignedHeaders(signedHeadersRaw, () => malformed('the SignedHeaders component is invalid.'));
  if (!signedHeaders.some((h) => h.toLowerCase() === 'host')) throw malformed('the host header must be signed.');

  const payloadHash = header(req, 'x-amz-content-sha256')?.trim();
  if (payloadHash === undefined) {
    throw new SigV4Error('InvalidRequest', 'Missing required header for this request: x-amz-content-sha256');
  }
  const payloadMode = payloadModeOf(payloadHash, true);
  rejectUnsignedAmzHeaders(req, signedHeaders);
  return { kind: 'header', ...scope, amzDate, signedHeaders, signature, payloadHash, payloadMode };
}

function requestDate(req: HttpRequestLike): string {
  const missing = () => new SigV4Error('AccessDenied', 'AWS authentication requires a valid Date or x-amz-date header');
  const xAmzDate = header(req, 'x-amz-date');
  if (xAmzDate !== undefined) {
    const v = xAmzDate.trim();
    if (amzDateToMillis(v) === null) throw missing();
    return v;
  }
  const date = header(req, 'date');
  const converted = date === undefined ? null : dateHeaderToAmzDate(date);
  if (converted === null) throw missing();
  return converted;
}

export interface Scope {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
}

export function parseCredential(credential: string, amzDate: string, fail: (why: string) => SigV4Error): Scope {
  const parts = credential.split('/');
  // Only the last four parts are the scope, so an access key id containing '/' still parses.
  if (parts.length < 5 || parts.some((p) => p === '')) throw fail(`the Credential is mal-formed; ${CREDENTIAL_FORMAT}`);
  const [date, region, service, terminal] = parts.slice(-4);
  const accessKeyId = parts.slice(0, -4).join('/');
  if (!/^\d{8}$/.test(date) || date !== amzDate.slice(0, 8)) {
    throw fail(`Invalid credential date "${date}". This date is not the same as X-Amz-Date: "${amzDate.slice(0, 8)}".`);
  }
  if (service !== 's3') throw fail(`incorrect service "${service}". This endpoint belongs to "s3".`);
  if (terminal !== 'aws4_request') throw fail(`incorrect terminal "${terminal}". This endpoint uses "aws4_request".`);
  return { accessKeyId, date, region, service };
}

function parseSignedHeaders(raw: string, fail: () => SigV4Error): string[] {
  const names = raw.split(';');
  if (names.some((n) => n === '' || /[^\x21-\x7e]/.test(n))) throw fail();
  return names;
}

function payloadModeOf(value: string, header: boolean): PayloadMode {
  if (value === 'UNSIGNED-PAYLOAD') return 'UNSIGNED-PAYLOAD';
  if (SHA256_HEX.test(value)) return 'signed';
  if (header && STREAMING_MODES.has(value)) return value as PayloadMode;
  throw new SigV4Error(
    'InvalidArgument',
    header
      ? 'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER or a valid sha256 value.'
      : 'X-Amz-Content-Sha256 must be UNSIGNED-PAYLOAD or a valid sha256 value.',
  );
}

/**
 * S3 refuses x-amz-* headers that the signature does not cover: otherwise anyone holding a
 * presigned URL could add e.g. x-amz-copy-source or x-amz-tagging. x-amz-content-sha256 is exempt
 * (as on AWS) because its value is the last line of the canonical request anyway.
 */
function rejectUnsignedAmzHeaders(req: HttpRequestLike, signedHeaders: string[]): void {
  const signed = new Set(signedHeaders.map((h) => h.toLowerCase()));
  const unsigned: string[] = [];
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    if (lower.startsWith('x-amz-') && lower !== 'x-amz-content-sha256' && !signed.has(lower)) unsigned.push(lower);
  }
  if (unsigned.length > 0) {
    throw new SigV4Error('AccessDenied', 'There were headers present in the request which were not signed', {
      HeadersNotSigned: unsigned.join(', '),
    });
  }
}

function parsePresigned(req: HttpRequestLike, query: QueryParam[]): ParsedAuth {
  const fail = (message: string) => new SigV4Error('AuthorizationQueryParametersError', message);
  const params = new Map<string, string>();
  for (const name of PRESIGN_PARAMS) {
    const found = query.filter((p) => p.name === name);
    if (found.length === 0) {
      throw fail(
        'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
      );
    }
    if (found.length > 1) throw fail(`${name} must appear only once.`);
    params.set(name, found[0].value);
  }
  const get = (name: (typeof PRESIGN_PARAMS)[number]) => params.get(name) as string;

  if (get('X-Amz-Algorithm') !== ALGORITHM) throw fail(`X-Amz-Algorithm only supports "${ALGORITHM}"`);
  const amzDate = get('X-Amz-Date');
  if (amzDateToMillis(amzDate) === null) {
    throw fail(`X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'"`);
  }
  const expires = get('X-Amz-Expires');
  if (/^-\d+$/.test(expires)) throw fail('X-Amz-Expires must be non-negative');
  if (!/^\d{1,10}$/.test(expires)) throw fail('X-Amz-Expires should be a number');

  const scope = parseCredential(get('X-Amz-Credential'), amzDate, (why) =>
    fail(`Error parsing the X-Amz-Credential parameter; ${why}`),
  );
  const signedHeaders = parseSignedHeaders(get('X-Amz-SignedHeaders'), () => fail('X-Amz-SignedHeaders is invalid.'));
  if (!signedHeaders.some((h) => h.toLowerCase() === 'host')) throw fail('X-Amz-SignedHeaders must contain host.');

  // The S3 presigners hoist the x-amz-content-sha256 header into the query with its casing kept.
  const hashParam = query.filter((p) => p.name.toLowerCase() === 'x-amz-content-sha256');
  if (hashParam.length > 1) throw fail('X-Amz-Content-Sha256 must appear only once.');
  const payloadHash = hashParam.length === 1 ? hashParam[0].value : 'UNSIGNED-PAYLOAD';
  const payloadMode = payloadModeOf(payloadHash, false);
  rejectUnsignedAmzHeaders(req, signedHeaders);
  return {
    kind: 'presigned',
    ...scope,
    amzDate,
    signedHeaders,
    signature: get('X-Amz-Signature'),
    payloadHash,
    payloadMode,
    expiresSeconds: Number(expires),
  };
}
