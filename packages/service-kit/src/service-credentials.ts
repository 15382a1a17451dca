import { createHash, randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { CALLING_SERVICES, type CallingService } from '@excloud/contracts';
import { S3Error } from '@excloud/s3-protocol';
import { ConfigError } from './config';

/**
 * Service credentials: each calling service holds a random secret of its own
 * (INTERNAL_SERVICE_SECRET, in that service's Secret only); the callee holds only SHA-256 hashes,
 * several per service, so an operator rotates by adding the new hash, rolling the caller, then
 * removing the old hash — no downtime, and a leaked callee config reveals no usable secret.
 */
export interface ServiceCredentials {
  /** The service whose secret this is, or undefined. */
  identify(secret: string): CallingService | undefined;
}

export const MIN_SERVICE_SECRET_LENGTH = 32;

export function hashServiceSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** `gateway:<sha256 hex>,gateway:<sha256 hex>,janitor:<sha256 hex>` */
export function parseServiceCredentials(raw: string, variable = 'AUTH_SERVICE_CREDENTIALS'): ServiceCredentials {
  const byHash = new Map<string, CallingService>();
  for (const entry of raw.split(',').map((e) => e.trim()).filter(Boolean)) {
    const [service, hash, extra] = entry.split(':');
    if (extra !== undefined || !service || !hash) throw new ConfigError(variable, `entry "${entry.slice(0, 20)}…" must be <service>:<sha256 hex>`);
    if (!(CALLING_SERVICES as readonly string[]).includes(service)) {
      throw new ConfigError(variable, `names unknown service "${service}" (known: ${CALLING_SERVICES.join(', ')})`);
    }
    if (!/^[0-9a-f]{64}$/i.test(hash)) throw new ConfigError(variable, `entry for ${service} must carry a 64-digit hex SHA-256 of the secret`);
    byHash.set(hash.toLowerCase(), service as CallingService);
  }
  if (byHash.size === 0) throw new ConfigError(variable, 'must name at least one service credential');
  return {
    // A lookup by the hash of a high-entropy secret: its timing tells an attacker nothing usable.
    identify: (secret) => (secret.length >= MIN_SERVICE_SECRET_LENGTH ? byHash.get(hashServiceSecret(secret)) : undefined),
  };
}

/** For the calling side: the service's own secret, checked for length at boot. */
export function readServiceSecret(value: string | undefined, variable = 'INTERNAL_SERVICE_SECRET'): string {
  if (value === undefined) throw new ConfigError(variable, 'is required but not set (this service authenticates to auth with it)');
  if (value.length < MIN_SERVICE_SECRET_LENGTH) throw new ConfigError(variable, `must be at least ${MIN_SERVICE_SECRET_LENGTH} characters`);
  return value;
}

export function bearerOf(headers: IncomingHttpHeaders): string | undefined {
  const h = headers.authorization;
  return typeof h === 'string' && h.startsWith('Bearer ') ? h.slice(7) : undefined;
}

/** Throws AccessDenied unless the request carries the credential of one of `allowed`. */
export function requireService(credentials: ServiceCredentials, headers: IncomingHttpHeaders, allowed: readonly CallingService[]): CallingService {
  const secret = bearerOf(headers);
  if (!secret) throw new S3Error('AccessDenied', 'missing service credential');
  const service = credentials.identify(secret);
  if (!service) throw new S3Error('AccessDenied', 'invalid service credential');
  if (!allowed.includes(service)) throw new S3Error('AccessDenied', `service ${service} may not call this route`);
  return service;
}

/** A full set of internal credentials, for local mode, tests and the benchmark's stack. */
export interface InternalCredentials {
  gatewaySecret: string;
  janitorSecret: string;
  /** BLOB_CAPABILITY_KEYS: `kid:base64`. */
  blobCapabilityKeys: string;
}

export function generateInternalCredentials(): InternalCredentials {
  return {
    gatewaySecret: randomBytes(32).toString('base64url'),
    janitorSecret: randomBytes(32).toString('base64url'),
    blobCapabilityKeys: `c1:${randomBytes(32).toString('base64')}`,
  };
}

/** Each service's share of the credentials: no service gets another's secret. */
export function internalCredentialEnv(c: InternalCredentials): Record<'auth' | 'gateway' | 'janitor' | 'blob', Record<string, string>> {
  return {
    auth: { AUTH_SERVICE_CREDENTIALS: `gateway:${hashServiceSecret(c.gatewaySecret)},janitor:${hashServiceSecret(c.janitorSecret)}` },
    gateway: { INTERNAL_SERVICE_SECRET: c.gatewaySecret, BLOB_CAPABILITY_KEYS: c.blobCapabilityKeys },
    janitor: { INTERNAL_SERVICE_SECRET: c.janitorSecret },
    blob: { BLOB_CAPABILITY_KEYS: c.blobCapabilityKeys },
  };
}
