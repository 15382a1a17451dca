import type { IncomingMessage } from 'node:http';
import { INTERNAL_HEADERS, header, type BlobKeyInfo } from '@excloud/contracts';
import { S3Error } from '@excloud/s3-protocol';

/** Headers of the internal blob API, as the contract spells them for client and server. */
export const BLOB_HEADERS = INTERNAL_HEADERS;

export { header } from '@excloud/contracts';

export function optionalSize(req: IncomingMessage, name: string): number | undefined {
  const raw = header(req, name);
  if (raw === undefined) return undefined;
  return parseSize(raw, name);
}

export function requiredSize(req: IncomingMessage, name: string): number {
  const raw = header(req, name);
  if (raw === undefined) throw new S3Error('InvalidArgument', `missing ${name}`);
  return parseSize(raw, name);
}

function parseSize(raw: string, name: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n)) throw new S3Error('InvalidArgument', `invalid ${name}`);
  return n;
}

/** `x-blob-key` is base64url(JSON(BlobKeyInfo)): the manifest's encryption entry, sent back verbatim. */
export function parseKeyHeader(req: IncomingMessage): BlobKeyInfo {
  const raw = header(req, BLOB_HEADERS.key);
  if (raw === undefined) throw new S3Error('InvalidArgument', `missing ${BLOB_HEADERS.key}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw new S3Error('InvalidArgument', `${BLOB_HEADERS.key} is not base64url JSON`);
  }
  const info = parsed as Partial<BlobKeyInfo> | null;
  if (!info || typeof info.keyId !== 'string' || typeof info.wrappedKey !== 'string' || typeof info.noncePrefix !== 'string') {
    throw new S3Error('InvalidArgument', `${BLOB_HEADERS.key} must hold keyId, wrappedKey and noncePrefix`);
  }
  return { keyId: info.keyId, wrappedKey: info.wrappedKey, noncePrefix: info.noncePrefix };
}

/** Inclusive plaintext range `<start>-<end>`; it must lie inside the blob. */
export function parseRangeHeader(req: IncomingMessage, size: number): { start: number; end: number } | undefined {
  const raw = header(req, BLOB_HEADERS.range);
  if (raw === undefined) return undefined;
  const m = /^\s*(\d+)-(\d+)\s*$/.exec(raw);
  if (!m) throw new S3Error('InvalidArgument', `invalid ${BLOB_HEADERS.range}`);
  const start = Number(m[1]);
  const end = Number(m[2]);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start > end || end >= size) {
    throw new S3Error('InvalidRange', undefined, { RangeRequested: raw.trim(), ActualObjectSize: String(size) });
  }
  return { start, end };
}
