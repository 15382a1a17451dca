/**
 * Measures CompleteMultipartUpload's metadata transaction for 100 and 10,000 parts (Complete is
 * metadata-only, so this is its cost minus one HTTP hop). Parts reference synthetic blobs; no
 * bytes are written. Usage: DATABASE_URL=... node --import tsx scripts/measure-complete.ts
 */
import { Pool } from 'pg';
import { SignJWT, generateKeyPair } from 'jose';
import { INTERNAL_TOKEN_AUDIENCE, INTERNAL_TOKEN_ISSUER } from '@excloud/contracts';
import { MetadataClient } from '@excloud/internal-client';
import { migrateMetadata, parseMetadataConfig, startMetadataService } from '@excloud/metadata';
import { createLogger, createTokenVerifier, envReader } from '@excloud/service-kit';
import { createTestDatabase } from '@excloud/test-kit';

async function main(): Promise<void> {
  const db = await createTestDatabase();
  const pool = new Pool({ connectionString: db.url });
  await migrateMetadata(pool);
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const service = await startMetadataService(parseMetadataConfig(envReader({ DATABASE_URL: db.url, HOST: '127.0.0.1', PORT: '0' })), {
    logger: createLogger({}, { level: 'error' }),
    tokenVerifier: createTokenVerifier({ keys: publicKey as never }),
  });
  const token = await new SignJWT({}).setProtectedHeader({ alg: 'ES256' }).setSubject('measure').setAudience(INTERNAL_TOKEN_AUDIENCE).setIssuer(INTERNAL_TOKEN_ISSUER).setExpirationTime('1h').sign(privateKey);
  const client = new MetadataClient(`http://127.0.0.1:${service.port}`);
  await client.createBucket(token, 'm', {});
  try {
    for (const n of [100, 10_000]) {
      const samples: number[] = [];
      for (let run = 0; run < 3; run++) {
        const key = `obj-${n}-${run}`;
        const u = await client.createUpload(token, 'm', { key, headers: {}, userMetadata: {} });
        // Parts straight into the table: uploading 10,000 parts through the API is not what is measured.
        await pool.query(
          `INSERT INTO upload_parts (org_id, bucket, upload_id, part_number, size, etag, checksums, blob, blob_id)
           SELECT 'measure', 'm', $1, g, 5242880, '"' || md5(g::text) || '"', '{}',
                  jsonb_build_object('blobId', 'measure/20250101/p' || g, 'size', 5242880, 'encryption', jsonb_build_object('keyId', 'k1', 'wrappedKey', 'w', 'noncePrefix', 'n')),
                  'measure/20250101/p' || g
             FROM generate_series(1, $2) g`,
          [u.uploadId, n],
        );
        const parts = Array.from({ length: n }, (_, i) => ({ partNumber: i + 1, etag: '', checksums: {} }));
        const etags = await pool.query<{ part_number: number; etag: string }>('SELECT part_number, etag FROM upload_parts WHERE upload_id = $1', [u.uploadId]);
        for (const r of etags.rows) parts[r.part_number - 1]!.etag = r.etag;
        const started = performance.now();
        const v = await client.completeUpload(token, 'm', key, u.uploadId, { parts });
        samples.push(performance.now() - started);
        if (!v.etag.endsWith(`-${n}"`)) throw new Error('unexpected etag');
      }
      samples.sort((a, b) => a - b);
      process.stdout.write(`Complete with ${n} parts: median ${samples[1]!.toFixed(1)} ms (min ${samples[0]!.toFixed(1)}, max ${samples[2]!.toFixed(1)})\n`);
    }
  } finally {
    await service.close();
    await pool.end();
    await db.drop();
  }
}

main().catch((err) => {
  process.stderr.write(String(err?.stack ?? err) + '\n');
  process.exit(1);
});
