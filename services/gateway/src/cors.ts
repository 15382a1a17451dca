import type { MetadataClient } from '@excloud/internal-client';
import type { CorsRule } from '@excloud/contracts';
import { S3Error, parseXml, toXml } from '@excloud/s3-protocol';

/**
 * Bucket CORS as S3 defines it: rules are tried in order and the first whose origin, method and
 * (for a preflight) requested headers all match decides; AllowedOrigin and AllowedHeader may hold
 * one '*' wildcard; header names compare case-insensitively.
 */
const METHODS = ['GET', 'PUT', 'POST', 'DELETE', 'HEAD'] as const;
type CorsMethod = (typeof METHODS)[number];
export const MAX_CORS_RULES = 100;
export const MAX_CORS_BYTES = 64 * 1024;

export function parseCorsXml(text: string): CorsRule[] {
  let doc: Record<string, unknown>;
  try {
    doc = parseXml(text);
  } catch {
    throw new S3Error('MalformedXML');
  }
  const root = doc.CORSConfiguration as Record<string, unknown> | undefined;
  if (!root || typeof root !== 'object') throw new S3Error('MalformedXML');
  const rules = list(root.CORSRule);
  if (rules.length === 0) throw new S3Error('MalformedXML');
  if (rules.length > MAX_CORS_RULES) throw new S3Error('InvalidRequest', `The number of CORS rules should not exceed allowed limit of ${MAX_CORS_RULES} rules.`);
  return rules.map((raw) => {
    const r = raw as Record<string, unknown>;
    if (!r || typeof r !== 'object') throw new S3Error('MalformedXML');
    const methods = strings(r.AllowedMethod);
    const origins = strings(r.AllowedOrigin);
    if (methods.length === 0 || origins.length === 0) throw new S3Error('MalformedXML');
    for (const m of methods) {
      if (!(METHODS as readonly string[]).includes(m)) throw new S3Error('InvalidRequest', `Found unsupported HTTP method in CORS config. Unsupported method is ${m}`);
    }
    const headers = strings(r.AllowedHeader);
    for (const o of origins) if (wildcards(o) > 1) throw new S3Error('InvalidRequest', `AllowedOrigin "${o}" can not have more than one wildcard.`);
    for (const h of headers) if (wildcards(h) > 1) throw new S3Error('InvalidRequest', `AllowedHeader "${h}" can not have more than one wildcard.`);
    const id = r.ID === undefined ? undefined : String(r.ID);
    if (id !== undefined && id.length > 255) throw new S3Error('InvalidRequest', 'The ID of a CORS rule can be at most 255 characters.');
    let maxAgeSeconds: number | undefined;
    if (r.MaxAgeSeconds !== undefined) {
      const text = String(r.MaxAgeSeconds).trim();
      if (!/^\d{1,9}$/.test(text)) throw new S3Error('MalformedXML');
      maxAgeSeconds = Number(text);
    }
    return { id, allowedMethods: methods as CorsMethod[], allowedOrigins: origins, allowedHeaders: headers, exposeHeaders: strings(r.ExposeHeader), maxAgeSeconds };
  });
}

export function renderCorsXml(rules: CorsRule[]): string {
  return toXml('CORSConfiguration', {
    CORSRule: rules.map((r) => ({
      ID: r.id,
      AllowedHeader: r.allowedHeaders,
      AllowedMethod: r.allowedMethods,
      AllowedOrigin: r.allowedOrigins,
      ExposeHeader: r.exposeHeaders,
      MaxAgeSeconds: r.maxAgeSeconds,
    })),
  });
}

export interface CorsRequest {
  origin: string;
  method: string;
  /** Access-Control-Request-Headers of a preflight, lower-cased; empty for an actual request. */
  headers: string[];
}

/** The first rule that allows this origin, method and every requested header. */
export function matchRule(rules: CorsRule[], request: CorsRequest): CorsRule | undefined {
  return rules.find(
    (rule) =>
      rule.allowedOrigins.some((o) => wildcardMatch(o, request.origin, false)) &&
      (rule.allowedMethods as string[]).includes(request.method) &&
      request.headers.every((h) => rule.allowedHeaders.some((a) => wildcardMatch(a, h, true))),
  );
}

/** The Access-Control-* headers S3 sends when `rule` matched (preflight echoes the requested headers). */
export function corsHeaders(rule: CorsRule, request: CorsRequest, preflight: boolean): Record<string, string> {
  const anyOrigin = rule.allowedOrigins.includes('*');
  const h: Record<string, string> = {
    'access-control-allow-origin': anyOrigin ? '*' : request.origin,
    'access-control-allow-methods': rule.allowedMethods.join(', '),
    vary: 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method',
  };
  // A wildcard origin cannot be combined with credentials; a named origin may send them.
  if (!anyOrigin) h['access-control-allow-credentials'] = 'true';
  if (preflight && request.headers.length > 0) h['access-control-allow-headers'] = request.headers.join(', ');
  if (rule.exposeHeaders.length > 0) h['access-control-expose-headers'] = rule.exposeHeaders.join(', ');
  if (rule.maxAgeSeconds !== undefined) h['access-control-max-age'] = String(rule.maxAgeSeconds);
  return h;
}

/** Access-Control-Request-Headers as a list of lower-case names. */
export function requestedHeaders(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter((h) => h !== '');
}

function wildcardMatch(pattern: string, value: string, caseInsensitive: boolean): boolean {
  const p = caseInsensitive ? pattern.toLowerCase() : pattern;
  const v = caseInsensitive ? value.toLowerCase() : value;
  const star = p.indexOf('*');
  if (star === -1) return p === v;
  const head = p.slice(0, star);
  const tail = p.slice(star + 1);
  return v.length >= head.length + tail.length && v.startsWith(head) && v.endsWith(tail);
}

function wildcards(s: string): number {
  return s.split('*').length - 1;
}

function list(value: unknown): unknown[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function strings(value: unknown): string[] {
  return list(value).map((v) => {
    if (typeof v !== 'string') throw new S3Error('MalformedXML');
    return v.trim();
  });
}

/**
 * The CORS headers of an actual (non-preflight) request that carries an Origin: those of the first
 * rule allowing its origin and method, or none. Failing to read the rules never fails the request.
 */
export async function actualRequestCorsHeaders(
  metadata: Pick<MetadataClient, 'getBucketCors'>,
  token: string,
  bucket: string,
  origin: string,
  method: string,
  requestId: string,
): Promise<Record<string, string>> {
  const rules = await metadata.getBucketCors(token, bucket, requestId).catch(() => null);
  const request = { origin, method, headers: [] };
  const rule = rules ? matchRule(rules, request) : undefined;
  return rule ? corsHeaders(rule, request, false) : {};
}
