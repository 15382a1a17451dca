import type { ManifestPart, PutObjectCommit } from '@excloud/contracts';
import { S3Error } from '@excloud/s3-protocol';
import { parseTags } from './tag-store';

/**
 * The gateway is trusted to validate what clients send, but a malformed commit must fail as a
 * clear 400 here rather than as a database error (500) or a corrupt row.
 */
export function parsePutObjectCommit(body: unknown): PutObjectCommit {
  const b = asRecord(body, 'body');
  const key = parseKey(b.key);
  if (!Number.isSafeInteger(b.size) || (b.size as number) < 0) throw invalid('size must be a non-negative integer');
  if (typeof b.etag !== 'string' || b.etag.length === 0) throw invalid('etag is required');
  if (!Array.isArray(b.manifest)) throw invalid('manifest must be an array');
  const manifest = b.manifest.map((p, i) => parsePart(p, i));
  return {
    key,
    size: b.size as number,
    etag: b.etag,
    headers: stringRecord(b.headers ?? {}, 'headers') as PutObjectCommit['headers'],
    userMetadata: stringRecord(b.userMetadata ?? {}, 'userMetadata'),
    checksums: stringRecord(b.checksums ?? {}, 'checksums') as PutObjectCommit['checksums'],
    manifest,
    acl: optionalString(b.acl, 'acl'),
    tags: parseTags(b.tags),
    ifMatch: optionalString(b.ifMatch, 'ifMatch'),
    ifNoneMatch: optionalString(b.ifNoneMatch, 'ifNoneMatch'),
  };
}

/** Keys are any non-empty text Postgres can store (no NUL). */
export function parseKey(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) throw invalid('key is required');
  if (value.includes('\u0000')) throw invalid('key must not contain NUL');
  return value;
}

function parsePart(value: unknown, index: number): ManifestPart {
  const p = asRecord(value, `manifest[${index}]`);
  if (typeof p.blobId !== 'string' || p.blobId.length === 0) throw invalid(`manifest[${index}].blobId is required`);
  if (!Number.isSafeInteger(p.size) || (p.size as number) < 0) throw invalid(`manifest[${index}].size must be a non-negative integer`);
  asRecord(p.encryption, `manifest[${index}].encryption`);
  return p as unknown as ManifestPart;
}

function asRecord(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(`${what} must be an object`);
  return value as Record<string, unknown>;
}

function stringRecord(value: unknown, what: string): Record<string, string> {
  const r = asRecord(value, what);
  for (const [k, v] of Object.entries(r)) if (typeof v !== 'string') throw invalid(`${what}.${k} must be a string`);
  return r as Record<string, string>;
}

function optionalString(value: unknown, what: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalid(`${what} must be a string`);
  return value;
}

function invalid(message: string): S3Error {
  return new S3Error('InvalidArgument', message);
}
