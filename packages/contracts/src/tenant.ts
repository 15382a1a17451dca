/**
 * The tenant is a type: an OrgId only comes from a verified internal token (or the auth
 * service's own store), never from a client header. Branding stops a bucket name or a raw
 * string being passed where a tenant is expected.
 */
export type OrgId = string & { readonly __brand: 'OrgId' };

const ORG_ID_PATTERN = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

export function isValidOrgId(value: string): boolean {
  return ORG_ID_PATTERN.test(value);
}

/** Brand a string that has already been verified (token claim, database row). */
export function asOrgId(value: string): OrgId {
  if (!isValidOrgId(value)) throw new Error(`invalid org id: ${JSON.stringify(value)}`);
  return value as OrgId;
}
