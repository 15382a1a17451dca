import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Pool } from 'pg';
import { isValidOrgId, asOrgId, type OrgId } from '@excloud/contracts';
import { S3Error } from '@excloud/s3-protocol';
import { runMigrations } from '@excloud/service-kit';
import { newAccessKeyId, newSecretAccessKey, openSecret, sealSecret } from './secrets';

export const AUTH_MIGRATIONS_DIR = path.resolve(__dirname, '../migrations');

export function migrateAuth(pool: Pool): Promise<string[]> {
  return runMigrations(pool, { service: 'auth', dir: AUTH_MIGRATIONS_DIR });
}

export type OrgStatus = 'active' | 'suspended';

export interface Org {
  id: OrgId;
  name: string;
  canonicalId: string;
  status: OrgStatus;
  createdAt: string;
}

export interface AccessKeySummary {
  accessKeyId: string;
  orgId: OrgId;
  name: string | null;
  status: 'active' | 'inactive';
  createdAt: string;
}

/** Only the secret key is needed to create or read keys: callers pass their parsed config. */
interface SecretKeyHolder {
  secretKey: Buffer;
}

interface OrgRow {
  id: string;
  name: string;
  canonical_id: string;
  status: OrgStatus;
  created_at: Date;
}

const toOrg = (r: OrgRow): Org => ({ id: asOrgId(r.id), name: r.name, canonicalId: r.canonical_id, status: r.status, createdAt: r.created_at.toISOString() });

/** The S3 canonical user id: 64 hex characters, stable for the org's lifetime. */
export function canonicalIdFor(orgId: string): string {
  return createHash('sha256').update(`excloud-org:${orgId}`).digest('hex');
}

export async function createOrg(pool: Pool, org: { id: string; name?: string }): Promise<Org> {
  if (!isValidOrgId(org.id)) {
    throw new S3Error('InvalidArgument', 'org id must be 3-63 characters of a-z, 0-9 and hyphens, starting and ending alphanumeric');
  }
  const r = await pool.query<OrgRow>(
    `INSERT INTO orgs (id, name, canonical_id) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING RETURNING *`,
    [org.id, org.name ?? org.id, canonicalIdFor(org.id)],
  );
  if (r.rowCount === 0) throw new S3Error('InvalidArgument', `org ${org.id} already exists`);
  return toOrg(r.rows[0]!);
}

export async function findOrg(pool: Pool, orgId: string): Promise<Org | null> {
  const r = await pool.query<OrgRow>('SELECT * FROM orgs WHERE id = $1', [orgId]);
  return r.rows[0] ? toOrg(r.rows[0]) : null;
}

export async function listOrgs(pool: Pool): Promise<Org[]> {
  const r = await pool.query<OrgRow>('SELECT * FROM orgs ORDER BY id');
  return r.rows.map(toOrg);
}

/**
 * Suspends or reactivates an org. Suspension is pushed to every gateway (the trigger in migration
 * 002 notifies, auth relays): the org's keys are refused within a second or two.
 */
export async function setOrgStatus(pool: Pool, orgId: string, status: OrgStatus): Promise<boolean> {
  const r = await pool.query('UPDATE orgs SET status = $2 WHERE id = $1 AND status <> $2', [orgId, status]);
  if ((r.rowCount ?? 0) > 0) return true;
  return (await findOrg(pool, orgId)) !== null;
}

export async function createAccessKey(
  pool: Pool,
  config: SecretKeyHolder,
  orgId: string,
  opts: { name?: string } = {},
): Promise<{ accessKeyId: string; secretAccessKey: string; orgId: OrgId; name: string | null; status: 'active'; createdAt: string }> {
  if (!(await findOrg(pool, orgId))) throw new S3Error('InvalidArgument', `no such org: ${orgId}`);
  const accessKeyId = newAccessKeyId();
  const secretAccessKey = newSecretAccessKey();
  const r = await pool.query<{ created_at: Date }>(
    'INSERT INTO access_keys (access_key_id, org_id, secret_ciphertext, name) VALUES ($1, $2, $3, $4) RETURNING created_at',
    [accessKeyId, orgId, sealSecret(config.secretKey, accessKeyId, secretAccessKey), opts.name ?? null],
  );
  return { accessKeyId, secretAccessKey, orgId: asOrgId(orgId), name: opts.name ?? null, status: 'active', createdAt: r.rows[0]!.created_at.toISOString() };
}

interface KeyRow {
  access_key_id: string;
  org_id: string;
  name: string | null;
  status: 'active' | 'inactive';
  created_at: Date;
}
const KEY_COLUMNS = 'access_key_id, org_id, name, status, created_at';
const toKey = (k: KeyRow): AccessKeySummary => ({
  accessKeyId: k.access_key_id,
  orgId: asOrgId(k.org_id),
  name: k.name,
  status: k.status,
  createdAt: k.created_at.toISOString(),
});

export async function listAccessKeys(pool: Pool, orgId: string): Promise<AccessKeySummary[]> {
  const r = await pool.query<KeyRow>(`SELECT ${KEY_COLUMNS} FROM access_keys WHERE org_id = $1 ORDER BY created_at, access_key_id`, [orgId]);
  return r.rows.map(toKey);
}

/**
 * Deleting a key is immediate in auth; gateways stop accepting it once their short cache expires.
 * With `scope`, only a key of that org is touched: another org's key reads as absent.
 */
export async function deleteAccessKey(pool: Pool, accessKeyId: string, scope?: OrgId): Promise<boolean> {
  const r = await pool.query('DELETE FROM access_keys WHERE access_key_id = $1 AND ($2::text IS NULL OR org_id = $2)', [accessKeyId, scope ?? null]);
  return (r.rowCount ?? 0) > 0;
}

export async function setAccessKeyStatus(pool: Pool, accessKeyId: string, status: 'active' | 'inactive', scope?: OrgId): Promise<AccessKeySummary | null> {
  const r = await pool.query<KeyRow>(
    `UPDATE access_keys SET status = $2 WHERE access_key_id = $1 AND ($3::text IS NULL OR org_id = $3) RETURNING ${KEY_COLUMNS}`,
    [accessKeyId, status, scope ?? null],
  );
  return r.rows[0] ? toKey(r.rows[0]) : null;
}

/** The active key's org (and its status) and clear secret, or null when the key is unknown or inactive. */
export async function lookupActiveKey(
  pool: Pool,
  config: SecretKeyHolder,
  accessKeyId: string,
): Promise<{ orgId: OrgId; orgStatus: OrgStatus; secret: string } | null> {
  const r = await pool.query<{ org_id: string; org_status: OrgStatus; secret_ciphertext: string }>(
    `SELECT k.org_id, o.status AS org_status, k.secret_ciphertext
       FROM access_keys k JOIN orgs o ON o.id = k.org_id
      WHERE k.access_key_id = $1 AND k.status = 'active'`,
    [accessKeyId],
  );
  const row = r.rows[0];
  if (!row) return null;
  return { orgId: asOrgId(row.org_id), orgStatus: row.org_status, secret: openSecret(config.secretKey, accessKeyId, row.secret_ciphertext) };
}
