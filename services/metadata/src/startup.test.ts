import { Pool } from 'pg';
import { DEFAULT_PORTS } from '@excloud/contracts';
import { ConfigError, UnmigratedDatabaseError, createTokenVerifier, envReader } from '@excloud/service-kit';
import { createTestDatabase, type TestDatabase } from '@excloud/test-kit';
import { parseMetadataConfig } from './config';
import { migrateMetadata } from './migrations';
import { startMetadataService } from './service';
import { testLogger } from './test-support';

describe('parseMetadataConfig', () => {
  it('applies defaults', () => {
    const config = parseMetadataConfig(envReader({ DATABASE_URL: 'postgres://u@db:5432/x' }));
    expect(config).toMatchObject({
      port: DEFAULT_PORTS.metadata,
      databaseUrl: 'postgres://u@db:5432/x',
      authUrl: `http://127.0.0.1:${DEFAULT_PORTS.auth}`,
      dbPoolSize: 20,
    });
  });

  it('reads overrides and names the variable that is wrong', () => {
    const config = parseMetadataConfig(envReader({ DATABASE_URL: 'postgres://db/x', AUTH_URL: 'http://auth:9101/', METADATA_DB_POOL_SIZE: '5', PORT: '0' }));
    expect(config).toMatchObject({ authUrl: 'http://auth:9101', dbPoolSize: 5, port: 0 });
    expect(() => parseMetadataConfig(envReader({}))).toThrow(/DATABASE_URL/);
    expect(() => parseMetadataConfig(envReader({ DATABASE_URL: 'postgres://db/x', METADATA_DB_POOL_SIZE: 'lots' }))).toThrow(ConfigError);
  });
});

describe('startMetadataService against an unmigrated database', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('refuses to start until the migrations ran, then starts', async () => {
    const config = parseMetadataConfig(envReader({ DATABASE_URL: db.url, HOST: '127.0.0.1', PORT: '0' }));
    const tokenVerifier = createTokenVerifier({ keys: (async () => { throw new Error('unused'); }) as never });
    await expect(startMetadataService(config, { logger: testLogger, tokenVerifier })).rejects.toBeInstanceOf(UnmigratedDatabaseError);

    const pool = new Pool({ connectionString: db.url });
    try {
      expect(await migrateMetadata(pool)).toEqual(['metadata/001_initial.sql', 'metadata/002_multipart.sql', 'metadata/003_versions_acl.sql', 'metadata/004_tags_cors_completed.sql', 'metadata/005_usage_quotas.sql', 'metadata/006_write_functions.sql', 'metadata/007_usage_stripes.sql']);
      expect(await migrateMetadata(pool)).toEqual([]);
    } finally {
      await pool.end();
    }
    const service = await startMetadataService(config, { logger: testLogger, tokenVerifier });
    expect(service.port).toBeGreaterThan(0);
    await service.close();
  });
});
