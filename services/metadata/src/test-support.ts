import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { SignJWT, generateKeyPair } from 'jose';
import { INTERNAL_TOKEN_AUDIENCE, INTERNAL_TOKEN_ISSUER, type PutObjectCommit } from '@excloud/contracts';
import { MetadataClient } from '@excloud/internal-client';
import { S3Error } from '@excloud/s3-protocol';
import { SYSTEM_SUBJECT, createLogger, createTokenVerifier, envReader } from '@excloud/service-kit';
import { createTestDatabase, type TestDatabase } from '@excloud/test-kit';
import { parseMetadataConfig, type MetadataConfig } from './config';
import { migrateMetadata } from './migrations';
import { startMetadataService, type MetadataService } from './service';

/** A migrated database and a running metadata service, driven through the real client. */
export interface TestMetadata {
  db: TestDatabase;
  pool: Pool;
  config: MetadataConfig;
  service: MetadataService;
  client: MetadataClient;
  baseUrl: string;
  tokenFor(orgId: string): Promise<string>;
  /** Any token signed by the key the service trusts: for expired, anonymous and odd-claim cases. */
  signToken(subject: string, claims: Record<string, string>, expiresAt: string | number): Promise<string>;
  /** The janitor's cross-org token. */
  systemToken(): Promise<string>;
  close(): Promise<void>;
}

export const testLogger = createLogger({ service: 'metadata-test' }, { level: 'error' });

export async function startTestMetadata(): Promise<TestMetadata> {
  const db = await createTestDatabase();
  const pool = new Pool({ connectionString: db.url });
  // The database is dropped WITH (FORCE) at the end; a connection it kills must not crash the run.
  pool.on('error', () => undefined);
  await migrateMetadata(pool);
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const config = parseMetadataConfig(envReader({ DATABASE_URL: db.url, HOST: '127.0.0.1', PORT: '0', METADATA_DB_POOL_SIZE: '30' }));
  const service = await startMetadataService(config, { logger: testLogger, tokenVerifier: createTokenVerifier({ keys: publicKey as never }) });
  const baseUrl = `http://127.0.0.1:${service.port}`;
  const signToken = (subject: string, claims: Record<string, string>, expiresAt: string | number) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256' })
      .setSubject(subject)
      .setAudience(INTERNAL_TOKEN_AUDIENCE)
      .setIssuer(INTERNAL_TOKEN_ISSUER)
      .setExpirationTime(expiresAt)
      .sign(privateKey);
  return {
    db,
    pool,
    config,
    service,
    client: new MetadataClient(baseUrl),
    baseUrl,
    tokenFor: (orgId) => signToken(orgId, {}, '5m'),
    signToken,
    systemToken: () => signToken(SYSTEM_SUBJECT, { scope: 'system' }, '5m'),
    async close() {
      await service.close();
      await pool.end();
      await db.drop();
    },
  };
}

/** A commit as the gateway sends it after the blob is stored: one fresh blob per call. */
export function commitFor(key: string, extra: Partial<PutObjectCommit> = {}): PutObjectCommit {
  const md5 = randomBytes(16).toString('hex');
  const size = extra.size ?? 11;
  return {
    key,
    size,
    etag: `"${md5}"`,
    headers: { contentType: 'text/plain' },
    userMetadata: { origin: 'test' },
    checksums: { CRC32: 'AAAAAA==' },
    manifest: [
      {
        blobId: `org/20250101/${randomBytes(8).toString('hex')}`,
        size,
        encryption: { keyId: 'k1', wrappedKey: 'wrapped', noncePrefix: 'nonce' },
      },
    ],
    ...extra,
  };
}

/** The S3 error code a promise rejects with, or 'ok'. */
export async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (err) {
    return err instanceof S3Error ? err.code : `unexpected: ${String(err)}`;
  }
}

export async function outboxRows(pool: Pool, orgId: string): Promise<Array<{ blob_id: string; reason: string }>> {
  const r = await pool.query<{ blob_id: string; reason: string }>('SELECT blob_id, reason FROM blob_outbox WHERE org_id = $1 ORDER BY id', [orgId]);
  return r.rows;
}

let counter = 0;
/** Bucket names unique within a test file, so tests do not share state. */
export function uniqueBucket(label: string): string {
  counter += 1;
  return `${label}-${counter}`;
}
