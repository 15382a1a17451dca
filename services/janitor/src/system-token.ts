/**
 * The janitor's system token, obtained from auth's admin API and renewed a minute before it
 * expires. Cross-org routes of metadata and blob accept only this token.
 */
export function systemTokenSource(authUrl: string, adminToken: string): () => Promise<string> {
  let current: { token: string; expiresAt: number } | undefined;
  return async () => {
    if (current && current.expiresAt - Date.now() > 60_000) return current.token;
    const res = await fetch(`${authUrl}/v1/admin/system-token`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}` },
      signal: AbortSignal.timeout(5000),
    });
    if (!res.ok) throw new Error(`auth refused a system token (${res.status})`);
    current = (await res.json()) as { token: string; expiresAt: number };
    return current.token;
  };
}
