import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { generateKeyPair, SignJWT } from 'jose';
import type { BlobBackend } from '@excloud/blob-backend';
import { INTERNAL_TOKEN_AUDIENCE, INTERNAL_TOKEN_ISSUER, asOrgId, type OrgId } from '@excloud/contracts';
import { BlobClient } from '@excloud/internal-client';
import { SYSTEM_SUBJECT, createLogger, createTokenVerifier, envReader, generateInternalCredentials, mintCapability } from '@excloud/service-kit';
import { parseBlobConfig, type BlobConfig } from './config';
import { startBlobService } from './service';

/** Helpers shared by this package's tests (not exported from index.ts). */

export function testEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'error',
    BLOB_MASTER_KEYS: `k1:${randomBytes(32).toString('base64')}`,
    BLOB_FSYNC: 'false',
    BLOB_CAPABILITY_KEYS: generateInternalCredentials().blobCapabilityKeys,
    ...extra,
  };
}

export interface TestBlobService {
  url: string;
  /** Mints capabilities with the service's own key, as the gateway does. */
  client: BlobClient;
  config: BlobConfig;
  org(name: string): OrgId;
  /** The janitor's system token, signed by the key the service trusts. */
  systemToken(): Promise<string>;
  close(): Promise<void>;
}

export async function startTestBlobService(backend: BlobBackend, env: Record<string, string> = {}): Promise<TestBlobService> {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const config = parseBlobConfig(envReader(testEnv(env)));
  const logger = createLogger({ service: 'blob-test' }, { level: 'error', write: () => undefined });
  const service = await startBlobService(config, {
    logger,
    backend,
    tokenVerifier: createTokenVerifier({ keys: publicKey as never }),
  });
  const url = `http://127.0.0.1:${service.port}`;
  return {
    url,
    client: new BlobClient(url, (capability) => mintCapability(config.capabilityKeys, capability)),
    config,
    org: asOrgId,
    systemToken: () =>
      new SignJWT({ scope: 'system' })
        .setProtectedHeader({ alg: 'ES256' })
        .setSubject(SYSTEM_SUBJECT)
        .setAudience(INTERNAL_TOKEN_AUDIENCE)
        .setIssuer(INTERNAL_TOKEN_ISSUER)
        .setExpirationTime('5m')
        .sign(privateKey),
    close: () => service.close(),
  };
}

/** A body delivered in uneven chunks, the way HTTP bodies arrive. */
export function chunked(data: Buffer, chunkSize = 7919): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < data.length; i += chunkSize) parts.push(data.subarray(i, i + chunkSize));
  return Readable.from(parts, { objectMode: false });
}

export async function readBody(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

/** Reads a stream to the end or its error, keeping whatever arrived before the error. */
export async function readUntilError(stream: NodeJS.ReadableStream): Promise<{ data: Buffer; error?: unknown }> {
  const parts: Buffer[] = [];
  try {
    for await (const chunk of stream) parts.push(chunk as Buffer);
    return { data: Buffer.concat(parts) };
  } catch (error) {
    return { data: Buffer.concat(parts), error };
  }
}

export async function collectIds(list: AsyncIterable<{ id: string }>): Promise<string[]> {
  const ids: string[] = [];
  for await (const e of list) ids.push(e.id);
  return ids;
}

export async function eventually(check: () => Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
