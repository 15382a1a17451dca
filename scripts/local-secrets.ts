import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateTokenKey } from '@excloud/auth';
import { generateInternalCredentials, type InternalCredentials } from '@excloud/service-kit';

/** Secrets local mode generates once and keeps under .data, so a restart keeps the data readable. */
export interface LocalSecrets {
  authSecretKey: string;
  authTokenPrivateJwk: string;
  authAdminToken: string;
  blobMasterKeys: string;
  /** Service credentials and blob capability keys (added to older data directories on start). */
  internal: InternalCredentials;
}

export async function loadOrCreateSecrets(dataDir: string): Promise<LocalSecrets> {
  const file = path.join(dataDir, 'local-secrets.json');
  if (existsSync(file)) {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<LocalSecrets> & Omit<LocalSecrets, 'internal'>;
    if (stored.internal) return stored as LocalSecrets;
    const upgraded: LocalSecrets = { ...stored, internal: generateInternalCredentials() };
    writeFileSync(file, JSON.stringify(upgraded, null, 2), { mode: 0o600 });
    return upgraded;
  }
  mkdirSync(dataDir, { recursive: true });
  const secrets: LocalSecrets = {
    authSecretKey: randomBytes(32).toString('base64'),
    authTokenPrivateJwk: await generateTokenKey(),
    authAdminToken: randomBytes(24).toString('base64url'),
    blobMasterKeys: `k1:${randomBytes(32).toString('base64')}`,
    internal: generateInternalCredentials(),
  };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}
