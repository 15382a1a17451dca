import { createHash, randomBytes } from 'node:crypto';
import type { Pool } from 'pg';
import { asOrgId, type OrgId } from '@excloud/contracts';

/**
 * Org API tokens: bearer tokens of the control API, bound to one org. The clear token is shown
 * once, at creation; only its SHA-256 is stored, so a database leak yields no usable token (the
 * tokens are 192 random bits, so an unsalted hash is enough: there is nothing to guess).
 */
export const ORG_TOKEN_PREFIX = 'exc_';

export interface OrgTokenSummary {
  id: string;
  orgId: OrgId;
  name: string;
  createdBy: string;
  createdAt: string;
  lastUsedAt: string | null;
}

interface TokenRow {
  id: string;
  org_id: string;
  name: string;
  created_by: string;
  created_at: Date;
  last_used_at: Date | null;
}

const COLUMNS = 'id, org_id, name, created_by, created_at, last_used_at';
const toSummary = (r: TokenRow): OrgTokenSummary => ({
  id: r.id,
  orgId: asOrgId(r.org_id),
  name: r.name,
  createdBy: r.created_by,
  createdAt: r.created_at.toISOString(),
  lastUsedAt: r.last_used_at ? r.last_used_at.toISOString() : null,
});

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export async function createOrgToken(pool: Pool, orgId: OrgId, opts: { name: string; createdBy: string }): Promise<OrgTokenSummary & { token: string }> {
  const token = ORG_TOKEN_PREFIX + randomBytes(24).toString('base64url');
  const id = 'tok_' + randomBytes(8).toString('hex');
  const r = await pool.query<TokenRow>(
    `INSERT INTO org_tokens (id, org_id, name, token_sha256, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
    [id, orgId, opts.name, hashToken(token), opts.createdBy],
  );
  return { ...toSummary(r.rows[0]!), token };
}

export async function listOrgTokens(pool: Pool, orgId: OrgId): Promise<OrgTokenSummary[]> {
  const r = await pool.query<TokenRow>(`SELECT ${COLUMNS} FROM org_tokens WHERE org_id = $1 ORDER BY created_at, id`, [orgId]);
  return r.rows.map(toSummary);
}

/** Revoking deletes the row: the next request with that token is refused. */
export async function revokeOrgToken(pool: Pool, orgId: OrgId, id: string): Promise<boolean> {
  const r = await pool.query('DELETE FROM org_tokens WHERE org_id = $1 AND id = $2', [orgId, id]);
  return (r.rowCount ?? 0) > 0;
}

/** The org and token a bearer token stands for, or null when it is unknown or revoked. */
export async function findOrgToken(pool: Pool, token: string): Promise<{ orgId: OrgId; tokenId: string; suspended: boolean } | null> {
  if (!token.startsWith(ORG_TOKEN_PREFIX) || token.length > 128) return null;
  // Marking use in the same statement keeps lookups at one round trip.
  const r = await pool.query<{ id: string; org_id: string; suspended: boolean }>(
    `UPDATE org_tokens t SET last_used_at = now() FROM orgs o
      WHERE t.token_sha256 = $1 AND o.id = t.org_id
      RETURNING t.id, t.org_id, o.status <> 'active' AS suspended`,
    [hashToken(token)],
  );
  const row = r.rows[0];
  return row ? { orgId: asOrgId(row.org_id), tokenId: row.id, suspended: row.suspended } : null;
}
