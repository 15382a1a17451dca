import { resolve } from 'node:path';
import { DEFAULT_PORTS } from '@excloud/contracts';
import { KeyRingError, parseKeyRing, type KeyRing } from '@excloud/crypto';
import { ConfigError, parseCapabilityKeys, readBaseConfig, type BaseConfig, type CapabilityKeys, type EnvReader } from '@excloud/service-kit';

export type BlobBackendKind = 'fs' | 's3';

export interface BlobS3Config {
  bucket: string;
  endpoint?: string;
  region: string;
  prefix?: string;
  forcePathStyle: boolean;
}

export interface BlobConfig extends BaseConfig {
  authUrl: string;
  backend: BlobBackendKind;
  /** Absolute path of the filesystem backend's root. */
  fsRoot: string;
  fsync: boolean;
  /** Blob files are written with O_DIRECT where the file system takes it. */
  fsDirectIo: boolean;
  /** Bodies up to this size go into pack segments (group-committed appends), larger ones into files; 0 disables. */
  fsPackMaxBytes: number;
  fsPackSegmentBytes: number;
  /** Temp files of the filesystem backend older than this are crash leftovers and are removed. */
  tempGraceSeconds: number;
  /** Parsed at config time so a bad BLOB_MASTER_KEYS stops the process at boot, not at the first PUT. */
  keyRing: KeyRing;
  /** Checks the gateway's per-request blob capabilities. */
  capabilityKeys: CapabilityKeys;
  /** Only set when backend is 's3'. */
  s3?: BlobS3Config;
}

export function parseBlobConfig(env: EnvReader): BlobConfig {
  const backend = env.oneOf('BLOB_BACKEND', ['fs', 's3'] as const, 'fs');
  return {
    ...readBaseConfig(env, DEFAULT_PORTS.blob),
    authUrl: env.url('AUTH_URL', `http://127.0.0.1:${DEFAULT_PORTS.auth}`),
    backend,
    fsRoot: resolve(env.str('BLOB_FS_ROOT', '.data/blobs')),
    fsync: env.bool('BLOB_FSYNC', true),
    fsDirectIo: env.bool('BLOB_FS_DIRECT_IO', true),
    // 64 KiB: one encrypted frame; measured to cut blob CPU per 4 KiB PUT by about a quarter. Every
    // put buffers up to this much before choosing a layout, so it stays small (1 MiB cap).
    fsPackMaxBytes: env.int('BLOB_FS_PACK_MAX_BYTES', 64 * 1024, { min: 0, max: 1024 * 1024 }),
    // Fault runs set a few MiB so segments roll, and compaction has work, within seconds.
    fsPackSegmentBytes: env.int('BLOB_FS_PACK_SEGMENT_BYTES', 64 * 1024 * 1024, { min: 1024 * 1024 }),
    // A live PUT refreshes its temp file's mtime with every write, so an hour of silence means its writer died.
    tempGraceSeconds: env.int('BLOB_TEMP_GRACE_SECONDS', 3600, { min: 1 }),
    keyRing: readKeyRing(env),
    capabilityKeys: parseCapabilityKeys(env.optional('BLOB_CAPABILITY_KEYS')),
    s3: backend === 's3' ? readS3Config(env) : undefined,
  };
}

function readKeyRing(env: EnvReader): KeyRing {
  const keys = env.str('BLOB_MASTER_KEYS');
  const activeKeyId = env.optional('BLOB_ACTIVE_KEY_ID');
  let ring: KeyRing;
  try {
    ring = parseKeyRing({ keys });
  } catch (err) {
    // KeyRingError messages name the entry and key id, never the key material, so they are safe to print.
    if (err instanceof KeyRingError) throw new ConfigError('BLOB_MASTER_KEYS', `is invalid: ${err.message}`);
    throw err;
  }
  if (activeKeyId === undefined) return ring;
  if (!ring.has(activeKeyId)) {
    throw new ConfigError('BLOB_ACTIVE_KEY_ID', `names key "${activeKeyId}", which is not in BLOB_MASTER_KEYS (have: ${ring.keyIds.join(', ')})`);
  }
  return parseKeyRing({ keys, activeKeyId });
}

function readS3Config(env: EnvReader): BlobS3Config {
  return {
    bucket: env.str('BLOB_S3_BUCKET'),
    endpoint: env.optional('BLOB_S3_ENDPOINT') === undefined ? undefined : env.url('BLOB_S3_ENDPOINT'),
    region: env.str('BLOB_S3_REGION', 'us-east-1'),
    prefix: env.optional('BLOB_S3_PREFIX'),
    forcePathStyle: env.bool('BLOB_S3_FORCE_PATH_STYLE', true),
  };
}
