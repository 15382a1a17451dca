import type { JWK } from 'jose';
import { DEFAULT_PORTS } from '@excloud/contracts';
import { ConfigError, parseServiceCredentials, readBaseConfig, type BaseConfig, type EnvReader, type ServiceCredentials } from '@excloud/service-kit';

export interface AuthConfig extends BaseConfig {
  databaseUrl: string;
  /** 32-byte key that encrypts access key secrets at rest. */
  secretKey: Buffer;
  /** EC P-256 private JWK (with kid) that signs internal tokens; its public half is served as JWKS. */
  tokenPrivateJwk: JWK & { kid: string };
  /** Bearer token for the admin API; without it the admin API is off. */
  adminToken?: string;
  tokenTtlSeconds: number;
  /** The control API manages buckets through metadata, their only writer. */
  metadataUrl: string;
  /** What `exc me` shows as the org's S3 endpoint; `{org}` stands for the org id. */
  s3EndpointTemplate: string;
  /** Hashes of the calling services' secrets: who may verify signatures (gateway) or get a system token (janitor). */
  serviceCredentials: ServiceCredentials;
  /** Postgres connections per replica (replicas × pool size must fit max_connections). */
  dbPoolSize: number;
}

export function parseAuthConfig(env: EnvReader): AuthConfig {
  return {
    ...readBaseConfig(env, DEFAULT_PORTS.auth),
    databaseUrl: env.url('DATABASE_URL'),
    secretKey: parseSecretKey(env.str('AUTH_SECRET_KEY')),
    tokenPrivateJwk: parsePrivateJwk(env.str('AUTH_TOKEN_PRIVATE_JWK')),
    adminToken: parseAdminToken(env.optional('AUTH_ADMIN_TOKEN')),
    tokenTtlSeconds: env.int('AUTH_TOKEN_TTL_SECONDS', 900, { min: 120, max: 86_400 }),
    metadataUrl: env.url('METADATA_URL', `http://127.0.0.1:${DEFAULT_PORTS.metadata}`),
    // The gateway's default base domain; production sets https://{org}.buckets.<its domain>.
    s3EndpointTemplate: parseEndpointTemplate(env.str('AUTH_S3_ENDPOINT', 'http://{org}.buckets.localhost:9000')),
    serviceCredentials: parseServiceCredentials(env.str('AUTH_SERVICE_CREDENTIALS')),
    dbPoolSize: env.int('AUTH_DB_POOL_SIZE', 10, { min: 1, max: 1000 }),
  };
}

function parseSecretKey(value: string): Buffer {
  const key = Buffer.from(value, 'base64');
  if (key.length !== 32) throw new ConfigError('AUTH_SECRET_KEY', 'must be 32 bytes, base64-encoded (e.g. `openssl rand -base64 32`)');
  return key;
}

function parsePrivateJwk(value: string): JWK & { kid: string } {
  let jwk: JWK & { kid: string };
  try {
    jwk = JSON.parse(value);
  } catch {
    throw new ConfigError('AUTH_TOKEN_PRIVATE_JWK', 'must be a JSON Web Key (run `pnpm admin generate-token-key`)');
  }
  if (jwk?.kty !== 'EC' || jwk.crv !== 'P-256' || !jwk.d || !jwk.kid) {
    throw new ConfigError('AUTH_TOKEN_PRIVATE_JWK', 'must be an EC P-256 private JWK with a kid');
  }
  return jwk;
}

function parseAdminToken(value: string | undefined): string | undefined {
  if (value !== undefined && value.length < 16) throw new ConfigError('AUTH_ADMIN_TOKEN', 'must be at least 16 characters');
  return value;
}

function parseEndpointTemplate(value: string): string {
  let url: URL;
  try {
    url = new URL(value.replace('{org}', 'org'));
  } catch {
    throw new ConfigError('AUTH_S3_ENDPOINT', 'must be an http(s) URL such as https://{org}.buckets.example.com');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError('AUTH_S3_ENDPOINT', 'must be an http(s) URL');
  return value.replace(/\/+$/, '');
}
