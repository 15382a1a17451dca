import { pooledRandomBytes } from './random-pool';
import type { OrgId } from './tenant';

/** Crockford base32: a subset of [0-9A-Z], so ids stay inside blob-backend's id alphabet. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const TIME_CHARS = 10;
const RANDOM_CHARS = 16;

function encodeTime(ms: number): string {
  let out = '';
  for (let i = 0, t = ms; i < TIME_CHARS; i++) {
    out = ALPHABET[t % 32] + out;
    t = Math.floor(t / 32);
  }
  return out;
}

function encodeRandom(): string {
  const bytes = pooledRandomBytes(RANDOM_CHARS);
  let out = '';
  // 256 is a multiple of 32, so taking each byte mod 32 keeps the characters uniform.
  for (const b of bytes) out += ALPHABET[b % 32];
  return out;
}

function utcDay(now: Date): string {
  const y = String(now.getUTCFullYear()).padStart(4, '0');
  const m = String(now.getUTCMonth() + 1).padStart(2, '0');
  const d = String(now.getUTCDate()).padStart(2, '0');
  return `${y}${m}${d}`;
}

/**
 * `<orgId>/<yyyymmdd>/<26-char ulid>`: the org prefix scopes every access check and listing, the
 * day keeps directories small in the fs backend, and the time-ordered ulid lets the orphan sweep
 * page through blobs in creation order. Never derived from object keys: ids leak nothing and are
 * never reused.
 */
export function newBlobId(orgId: OrgId, now: Date = new Date()): string {
  return `${orgId}/${utcDay(now)}/${encodeTime(now.getTime())}${encodeRandom()}`;
}

export function orgPrefix(orgId: OrgId): string {
  return `${orgId}/`;
}

export function ownsBlob(orgId: OrgId, blobId: string): boolean {
  return blobId.startsWith(orgPrefix(orgId));
}
