import { fetchSystemToken } from '@excloud/internal-client';

/**
 * The janitor's system token, obtained from auth with the janitor's own service credential and
 * renewed a minute before it expires. Cross-org routes of metadata and blob accept only this token.
 */
export function systemTokenSource(authUrl: string, serviceSecret: string): () => Promise<string> {
  let current: { token: string; expiresAt: number } | undefined;
  return async () => {
    if (current && current.expiresAt - Date.now() > 60_000) return current.token;
    current = await fetchSystemToken(authUrl, serviceSecret);
    return current.token;
  };
}
