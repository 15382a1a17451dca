import { DEFAULT_PORTS } from '@excloud/contracts';
import { readBaseConfig, type BaseConfig, type EnvReader } from '@excloud/service-kit';

export interface MetadataConfig extends BaseConfig {
  databaseUrl: string;
  /** Where the auth service serves the JWKS that internal tokens are verified against. */
  authUrl: string;
  dbPoolSize: number;
}

export function parseMetadataConfig(env: EnvReader): MetadataConfig {
  return {
    ...readBaseConfig(env, DEFAULT_PORTS.metadata),
    databaseUrl: env.url('DATABASE_URL'),
    authUrl: env.url('AUTH_URL', `http://127.0.0.1:${DEFAULT_PORTS.auth}`),
    dbPoolSize: env.int('METADATA_DB_POOL_SIZE', 20, { min: 1, max: 1000 }),
  };
}
