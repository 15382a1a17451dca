import { isAbsolute } from 'node:path';
import { randomBytes } from 'node:crypto';
import { DEFAULT_PORTS } from '@excloud/contracts';
import { ConfigError, envReader } from '@excloud/service-kit';
import { createBlobBackend } from './backend-factory';
import { parseBlobConfig } from './config';

const key = () => randomBytes(32).toString('base64');
/** Every case carries capability keys unless it says otherwise: they are required. */
const parse = (env: Record<string, string>) => parseBlobConfig(envReader({ BLOB_CAPABILITY_KEYS: `c1:${key()}`, ...env }));

function configError(env: Record<string, string>): ConfigError {
  try {
    parse(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

it('has local defaults', () => {
  const config = parse({ BLOB_MASTER_KEYS: `k1:${key()},k0:${key()}` });
  expect(config.port).toBe(DEFAULT_PORTS.blob);
  expect(config.authUrl).toBe(`http://127.0.0.1:${DEFAULT_PORTS.auth}`);
  expect(config.backend).toBe('fs');
  expect(isAbsolute(config.fsRoot)).toBe(true);
  expect(config.fsRoot.endsWith('.data/blobs')).toBe(true);
  expect(config.fsync).toBe(true);
  expect(config.keyRing.activeKeyId).toBe('k1');
  expect(config.keyRing.keyIds).toEqual(['k1', 'k0']);
  expect(config.s3).toBeUndefined();
});

it('selects the active key', () => {
  expect(parse({ BLOB_MASTER_KEYS: `k1:${key()},k0:${key()}`, BLOB_ACTIVE_KEY_ID: 'k0' }).keyRing.activeKeyId).toBe('k0');
  expect(configError({ BLOB_MASTER_KEYS: `k1:${key()}`, BLOB_ACTIVE_KEY_ID: 'k9' }).variable).toBe('BLOB_ACTIVE_KEY_ID');
});

it.each([
  ['missing', undefined],
  ['not id:key', 'justakey'],
  ['short key', `k1:${randomBytes(16).toString('base64')}`],
  ['not base64', 'k1:@@@@'],
])('rejects BLOB_MASTER_KEYS that is %s, without echoing key material', (_name, value) => {
  const err = configError(value === undefined ? {} : { BLOB_MASTER_KEYS: value });
  expect(err.variable).toBe('BLOB_MASTER_KEYS');
  if (value?.includes(':')) expect(err.message).not.toContain(value.split(':')[1]);
});

it('reads the s3 settings and requires a bucket', () => {
  const base = { BLOB_MASTER_KEYS: `k1:${key()}`, BLOB_BACKEND: 's3' };
  expect(configError(base).variable).toBe('BLOB_S3_BUCKET');
  const config = parse({ ...base, BLOB_S3_BUCKET: 'b', BLOB_S3_ENDPOINT: 'http://127.0.0.1:9999/', BLOB_S3_PREFIX: 'blobs/' });
  expect(config.s3).toEqual({ bucket: 'b', endpoint: 'http://127.0.0.1:9999', region: 'us-east-1', prefix: 'blobs/', forcePathStyle: true });
  expect(createBlobBackend(config).name).toBe('s3');
  expect(configError({ ...base, BLOB_S3_BUCKET: 'b', BLOB_S3_FORCE_PATH_STYLE: 'maybe' }).variable).toBe('BLOB_S3_FORCE_PATH_STYLE');
  expect(configError({ BLOB_MASTER_KEYS: `k1:${key()}`, BLOB_BACKEND: 'tape' }).variable).toBe('BLOB_BACKEND');
});

it('builds a filesystem backend by default', () => {
  const config = parse({ BLOB_MASTER_KEYS: `k1:${key()}`, BLOB_FS_ROOT: '/tmp/x-blobs', BLOB_FSYNC: 'false' });
  expect(config.fsync).toBe(false);
  expect(createBlobBackend(config).name).toBe('fs');
});

it.each([
  ['missing', ''],
  ['too short', `c1:${randomBytes(16).toString('base64')}`],
  ['without a kid', key()],
])('rejects BLOB_CAPABILITY_KEYS that is %s', (_name, value) => {
  const err = configError({ BLOB_MASTER_KEYS: `k1:${key()}`, BLOB_CAPABILITY_KEYS: value });
  expect(err.variable).toBe('BLOB_CAPABILITY_KEYS');
});
