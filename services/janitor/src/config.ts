import { DEFAULT_PORTS } from '@excloud/contracts';
import { readBaseConfig, type BaseConfig, type EnvReader } from '@excloud/service-kit';

export interface JanitorConfig extends BaseConfig {
  /** BullMQ's Redis; without it the same jobs run in-process on timers (local mode). */
  redisUrl?: string;
  metadataUrl: string;
  blobUrl: string;
  authUrl: string;
}

export function parseJanitorConfig(env: EnvReader): JanitorConfig {
  return {
    ...readBaseConfig(env, DEFAULT_PORTS.janitor),
    redisUrl: env.optional('REDIS_URL'),
    metadataUrl: env.url('METADATA_URL', `http://127.0.0.1:${DEFAULT_PORTS.metadata}`),
    blobUrl: env.url('BLOB_URL', `http://127.0.0.1:${DEFAULT_PORTS.blob}`),
    authUrl: env.url('AUTH_URL', `http://127.0.0.1:${DEFAULT_PORTS.auth}`),
  };
}
