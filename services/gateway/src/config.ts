import { ConfigError, parseCapabilityKeys, readBaseConfig, readServiceSecret, type BaseConfig, type CapabilityKeys, type EnvReader } from '@excloud/service-kit';
import { DEFAULT_PORTS, asOrgId, isValidOrgId, type OrgId } from '@excloud/contracts';

export interface GatewayConfig extends BaseConfig {
  /** Hosts `<org>.<baseDomain>` and `<bucket>.<org>.<baseDomain>` address an org. */
  baseDomain: string;
  /** A Host outside the base domain resolves to the org owning the access key. */
  localHostsUseKeyOrg: boolean;
  /** The org an unsigned request on a Host outside the base domain addresses (local mode: its own org). */
  defaultOrg?: OrgId;
  authUrl: string;
  metadataUrl: string;
  blobUrl: string;
  /** How long a verified signing key is reused without asking auth: bounds revocation delay. */
  authCacheTtlMs: number;
  /** Largest single PUT body. */
  maxPutBytes: number;
  region: string;
  /** Port of /healthz, /readyz and /metrics (the S3 port has no free paths). */
  opsPort: number;
  /** Subscribe to auth's revocation stream so revoked keys and suspended orgs are refused at once. */
  revocationFeed: boolean;
  /** How often per-org usage counters are flushed to metadata. */
  usageFlushMs: number;
  /** The gateway's own credential at auth: only it may verify signatures. */
  serviceSecret: string;
  /** Signs the per-request blob capabilities the blob service checks. */
  capabilityKeys: CapabilityKeys;
  /** How many objects' blobs are remembered to read ahead of metadata's answer (read-ahead.ts); 0 turns it off. */
  readAheadEntries: number;
  /** Plaintext bytes of small blobs the gateway keeps to answer GETs without the blob service (blob-cache.ts); 0 turns it off. */
  blobCacheBytes: number;
}

export function parseGatewayConfig(env: EnvReader): GatewayConfig {
  return {
    ...readBaseConfig(env, DEFAULT_PORTS.gateway, true),
    // The public suffix customers address; local mode uses a name that never leaves the machine.
    baseDomain: env.str('GATEWAY_BASE_DOMAIN', 'buckets.localhost').toLowerCase(),
    // On by default so `aws --endpoint-url http://127.0.0.1:9000` works in local use.
    localHostsUseKeyOrg: env.bool('GATEWAY_LOCAL_HOSTS_USE_KEY_ORG', true),
    // Unset: anonymous requests must name their org in the Host, as in production.
    defaultOrg: parseDefaultOrg(env.optional('GATEWAY_DEFAULT_ORG')),
    authUrl: env.url('AUTH_URL', `http://127.0.0.1:${DEFAULT_PORTS.auth}`),
    metadataUrl: env.url('METADATA_URL', `http://127.0.0.1:${DEFAULT_PORTS.metadata}`),
    blobUrl: env.url('BLOB_URL', `http://127.0.0.1:${DEFAULT_PORTS.blob}`),
    // Ten seconds: revocation takes effect quickly, and steady traffic still skips auth calls.
    authCacheTtlMs: env.int('GATEWAY_AUTH_CACHE_TTL_MS', 10_000, { min: 0 }),
    // AWS's single-PUT limit.
    maxPutBytes: env.int('GATEWAY_MAX_PUT_BYTES', 5 * 1024 ** 3, { min: 1 }),
    // What GetBucketLocation answers; clients may sign with any region.
    region: env.str('GATEWAY_REGION', 'auto'),
    opsPort: env.int('GATEWAY_OPS_PORT', 9090, { min: 0, max: 65535 }),
    // On: revocation within a second or two; the cache TTL above is the fallback while it is down.
    revocationFeed: env.bool('GATEWAY_REVOCATION_FEED', true),
    // Five seconds: usage reaches the hourly rows promptly at one request per active org per flush.
    usageFlushMs: env.int('GATEWAY_USAGE_FLUSH_MS', 5_000, { min: 100, max: 600_000 }),
    serviceSecret: readServiceSecret(env.optional('INTERNAL_SERVICE_SECRET')),
    capabilityKeys: parseCapabilityKeys(env.optional('BLOB_CAPABILITY_KEYS')),
    // About 200 bytes plus the key each: 10,000 hot objects with short keys cost ~2-3 MiB.
    readAheadEntries: env.int('GATEWAY_READ_AHEAD_ENTRIES', 10_000, { min: 0, max: 10_000_000 }),
    // 16 MiB: 4,000 hot 4 KiB objects. Full, it adds 16 MiB to a gateway that peaks near 260 MiB
    // relaying 64 MiB objects at c32 (bench/RESULTS.md), inside issue 5's 300 MiB.
    blobCacheBytes: env.int('GATEWAY_BLOB_CACHE_BYTES', 16 * 1024 * 1024, { min: 0, max: 64 * 1024 ** 3 }),
  };
}

function parseDefaultOrg(value: string | undefined): OrgId | undefined {
  if (value === undefined || value === '') return undefined;
  if (!isValidOrgId(value)) throw new ConfigError('GATEWAY_DEFAULT_ORG', 'must be an org id (3-63 characters of a-z, 0-9 and hyphens)');
  return asOrgId(value);
}
