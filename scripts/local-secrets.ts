import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateTokenKey } from '@excloud/auth';

/** Secrets local mode generates once and keeps under .data, so a restart keeps the data readable. */
export interface LocalSecrets {
  authSecretKey: string;
  authTokenPrivateJwk: string;
  authAdminToken: string;
  blobMasterKeys: string;
}

export async function loadOrCreateSecrets(dataDir: string): Promise<LocalSecrets> {
  const file = path.join(dataDir, 'local-secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as LocalSecrets;
  mkdirSync(dataDir, { recursive: true });
  const secrets: LocalSecrets = {
    authSecretKey: randomBytes(32).toString('base64'),
    authTokenPrivateJwk: await generateTokenKey(),
    authAdminToken: randomBytes(24).toString('base64url'),
    blobMasterKeys: `k1:${randomBytes(32).toString('base64')}`,
  };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}
