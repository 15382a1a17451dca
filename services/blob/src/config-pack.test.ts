import { randomBytes } from 'node:crypto';
import { ConfigError, envReader } from '@excloud/service-kit';
import { parseBlobConfig } from './config';

const parse = (extra: Record<string, string>) =>
  parseBlobConfig(envReader({ BLOB_CAPABILITY_KEYS: `c1:${randomBytes(32).toString('base64')}`, BLOB_MASTER_KEYS: `k1:${randomBytes(32).toString('base64')}`, ...extra }));

describe('BLOB_FS_PACK_MAX_BYTES', () => {
  it('reads a size and accepts 0 (packing off)', () => {
    expect(parse({ BLOB_FS_PACK_MAX_BYTES: '65536' }).fsPackMaxBytes).toBe(65536);
    expect(parse({ BLOB_FS_PACK_MAX_BYTES: '0' }).fsPackMaxBytes).toBe(0);
  });

  it.each(['-1', 'abc', '1.5', String(2 * 1024 * 1024)])('refuses %s at boot, naming the variable', (value) => {
    expect(() => parse({ BLOB_FS_PACK_MAX_BYTES: value })).toThrow(ConfigError);
    expect(() => parse({ BLOB_FS_PACK_MAX_BYTES: value })).toThrow(/BLOB_FS_PACK_MAX_BYTES/);
  });
});
