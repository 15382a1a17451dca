import { createHmac, timingSafeEqual } from 'node:crypto';
import type { BlobCapability, BlobCapabilityOp, OrgId } from '@excloud/contracts';
import { S3Error } from '@excloud/s3-protocol';
import { ConfigError } from './config';

/**
 * Blob capabilities: the gateway mints one per blob call, naming the org, the one operation and
 * the blob id, valid for seconds; the blob service checks it with a shared HMAC key. HMAC, not a
 * JWT: minting and checking cost microseconds on the hot path, and both sides are ours.
 * BLOB_CAPABILITY_KEYS is a key ring (`kid:base64,kid2:base64`): the first key signs, every key
 * verifies, so keys rotate by adding a key to blob, then putting it first on the gateway, then
 * removing the old one.
 */
export interface CapabilityKeys {
  activeKid: string;
  keys: ReadonlyMap<string, Buffer>;
}

/** How long a minted capability stays valid: long enough for clock skew between pods, short enough to be useless once leaked. */
export const CAPABILITY_TTL_SECONDS = 60;

export function parseCapabilityKeys(raw: string | undefined, variable = 'BLOB_CAPABILITY_KEYS'): CapabilityKeys {
  if (!raw) throw new ConfigError(variable, 'is required but not set (kid:base64 of at least 32 random bytes, comma-separated)');
  const keys = new Map<string, Buffer>();
  for (const entry of raw.split(',').map((e) => e.trim()).filter(Boolean)) {
    const i = entry.indexOf(':');
    const kid = entry.slice(0, i);
    if (i < 1 || !/^[A-Za-z0-9_-]{1,32}$/.test(kid)) throw new ConfigError(variable, 'entries must be <kid>:<base64 key> with a kid of [A-Za-z0-9_-]');
    const key = Buffer.from(entry.slice(i + 1), 'base64');
    if (key.length < 32) throw new ConfigError(variable, `key ${kid} must be at least 32 bytes`);
    if (keys.has(kid)) throw new ConfigError(variable, `names key ${kid} twice`);
    keys.set(kid, key);
  }
  const activeKid = keys.keys().next().value;
  if (activeKid === undefined) throw new ConfigError(variable, 'must hold at least one key');
  return { activeKid, keys };
}

export function mintCapability(keys: CapabilityKeys, cap: BlobCapability, now = Date.now()): string {
  const payload = Buffer.from(JSON.stringify({ o: cap.orgId, p: cap.op, b: cap.blobId, e: Math.floor(now / 1000) + CAPABILITY_TTL_SECONDS })).toString('base64url');
  const signed = `${keys.activeKid}.${payload}`;
  return `${signed}.${mac(keys.keys.get(keys.activeKid)!, signed)}`;
}

/** The capability if it is authentic, unexpired, for `op` and for `blobId`; AccessDenied otherwise. */
export function checkCapability(keys: CapabilityKeys, token: string | undefined, op: BlobCapabilityOp, blobId: string, now = Date.now()): BlobCapability {
  if (!token) throw new S3Error('AccessDenied', 'missing blob capability');
  // `<kid>.<payload>.<mac>`: exactly two dots, cut by index (every blob request pays for this).
  const kidEnd = token.indexOf('.');
  const macStart = token.lastIndexOf('.');
  const key = kidEnd > 0 && macStart > kidEnd && token.indexOf('.', kidEnd + 1) === macStart ? keys.keys.get(token.slice(0, kidEnd)) : undefined;
  if (!key) throw new S3Error('AccessDenied', 'invalid blob capability');
  const expected = Buffer.from(mac(key, token.slice(0, macStart)), 'latin1');
  const given = Buffer.from(token.slice(macStart + 1), 'latin1');
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw new S3Error('AccessDenied', 'invalid blob capability');
  let claims: { o?: unknown; p?: unknown; b?: unknown; e?: unknown };
  try {
    claims = JSON.parse(Buffer.from(token.slice(kidEnd + 1, macStart), 'base64url').toString('utf8'));
  } catch {
    throw new S3Error('AccessDenied', 'invalid blob capability');
  }
  if (typeof claims.e !== 'number' || claims.e * 1000 <= now) throw new S3Error('AccessDenied', 'blob capability expired');
  if (claims.p !== op) throw new S3Error('AccessDenied', `blob capability does not allow ${op}`);
  if (claims.b !== blobId || typeof claims.o !== 'string' || !blobId.startsWith(`${claims.o}/`)) {
    throw new S3Error('AccessDenied', 'blob capability names another blob');
  }
  return { orgId: claims.o as OrgId, op, blobId };
}

function mac(key: Buffer, data: string): string {
  return createHmac('sha256', key).update(data).digest('base64url');
}
