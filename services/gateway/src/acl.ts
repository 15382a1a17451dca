import type { IncomingMessage } from 'node:http';
import { ALL_USERS_URI, AUTHENTICATED_USERS_URI, type AclGrant, type AclSetting } from '@excloud/contracts';
import { S3Error, escapeXml, parseXml, S3_XMLNS } from '@excloud/s3-protocol';
import { header } from '@excloud/contracts';

type Owner = { id: string; displayName: string };
type Permission = AclGrant['permission'];

export const CANNED_ACLS = ['private', 'public-read', 'public-read-write', 'authenticated-read', 'bucket-owner-read', 'bucket-owner-full-control'];
const PERMISSIONS: Permission[] = ['FULL_CONTROL', 'READ', 'WRITE', 'READ_ACP', 'WRITE_ACP'];
const GRANT_HEADERS: Array<[string, Permission]> = [
  ['x-amz-grant-full-control', 'FULL_CONTROL'],
  ['x-amz-grant-read', 'READ'],
  ['x-amz-grant-write', 'WRITE'],
  ['x-amz-grant-read-acp', 'READ_ACP'],
  ['x-amz-grant-write-acp', 'WRITE_ACP'],
];

/** `x-amz-acl` as a canned ACL name, or undefined when absent. */
export function cannedAclHeader(req: IncomingMessage): string | undefined {
  const acl = header(req, 'x-amz-acl');
  if (acl === undefined) return undefined;
  if (!CANNED_ACLS.includes(acl)) throw new S3Error('InvalidArgument', undefined, { ArgumentName: 'x-amz-acl', ArgumentValue: acl });
  return acl;
}

/**
 * The ACL a Put*Acl request asks for: a canned header, x-amz-grant-* headers, or an
 * AccessControlPolicy body — exactly one of them, as S3 requires. Grants may only name this org
 * (its canonical id) or the public groups: tenants never grant each other access.
 */
export function aclFromRequest(req: IncomingMessage, body: string, owner: Owner): AclSetting {
  const canned = cannedAclHeader(req);
  const headerGrants = grantsFromHeaders(req, owner);
  const hasBody = body.trim() !== '';
  if ([canned !== undefined, headerGrants.length > 0, hasBody].filter(Boolean).length > 1) {
    throw new S3Error('InvalidRequest', 'Specifying both Canned ACLs and Header Grants is not allowed');
  }
  if (canned !== undefined) return { acl: canned };
  if (headerGrants.length > 0) return { acl: 'custom', grants: headerGrants };
  if (!hasBody) throw new S3Error('MissingSecurityHeader', 'Your request was missing a required header', { MissingHeaderName: 'x-amz-acl' });
  return { acl: 'custom', grants: grantsFromPolicy(body, owner) };
}

function grantsFromHeaders(req: IncomingMessage, owner: Owner): AclGrant[] {
  const grants: AclGrant[] = [];
  for (const [name, permission] of GRANT_HEADERS) {
    const value = header(req, name);
    if (value === undefined) continue;
    for (const item of value.split(',')) {
      const m = /^\s*(id|uri|emailAddress)\s*=\s*"?([^"]*)"?\s*$/i.exec(item);
      if (!m) throw new S3Error('InvalidArgument', `Invalid grant header ${name}`);
      grants.push({ grantee: grantee(m[1]!.toLowerCase(), m[2]!, owner), permission });
    }
  }
  return grants;
}

function grantee(kind: string, value: string, owner: Owner): AclGrant['grantee'] {
  if (kind === 'id') {
    if (value !== owner.id) throw new S3Error('InvalidArgument', 'Invalid id', { ArgumentName: 'CanonicalUser/ID', ArgumentValue: value });
    return { type: 'CanonicalUser', id: value };
  }
  if (kind === 'uri') {
    if (value !== ALL_USERS_URI && value !== AUTHENTICATED_USERS_URI) throw new S3Error('InvalidArgument', 'Invalid group uri', { ArgumentName: 'Group/URI', ArgumentValue: value });
    return { type: 'Group', uri: value };
  }
  // S3 resolves e-mail grantees to accounts; an address names no tenant here, so, as S3 answers
  // for an address it cannot resolve, the grant is refused.
  throw new S3Error('UnresolvableGrantByEmailAddress', undefined, { EmailAddress: value });
}

function grantsFromPolicy(body: string, owner: Owner): AclGrant[] {
  let doc: Record<string, unknown>;
  try {
    doc = parseXml(body);
  } catch {
    throw new S3Error('MalformedACLError');
  }
  const policy = doc.AccessControlPolicy as Record<string, unknown> | undefined;
  if (!policy || typeof policy !== 'object') throw new S3Error('MalformedACLError');
  const ownerId = (policy.Owner as Record<string, unknown> | undefined)?.ID;
  if (ownerId !== undefined && ownerId !== owner.id) throw new S3Error('AccessDenied');
  const list = (policy.AccessControlList as Record<string, unknown> | undefined)?.Grant;
  const raw = list === undefined ? [] : Array.isArray(list) ? list : [list];
  return raw.map((g) => {
    const grant = g as Record<string, unknown>;
    const who = grant.Grantee as Record<string, unknown> | undefined;
    const permission = grant.Permission as Permission;
    if (!who || !PERMISSIONS.includes(permission)) throw new S3Error('MalformedACLError');
    if (typeof who.ID === 'string') return { grantee: grantee('id', who.ID, owner), permission };
    if (typeof who.URI === 'string') return { grantee: grantee('uri', who.URI, owner), permission };
    if (typeof who.EmailAddress === 'string') return { grantee: grantee('emailaddress', who.EmailAddress, owner), permission };
    throw new S3Error('MalformedACLError');
  });
}

/** The grants a canned ACL stands for; the owner always holds FULL_CONTROL. */
export function effectiveGrants(setting: { acl?: string; grants?: AclGrant[] }, owner: Owner): AclGrant[] {
  if (setting.grants) return setting.grants;
  const own: AclGrant = { grantee: { type: 'CanonicalUser', id: owner.id }, permission: 'FULL_CONTROL' };
  const group = (uri: string, permission: Permission): AclGrant => ({ grantee: { type: 'Group', uri }, permission });
  switch (setting.acl) {
    case 'public-read':
      return [own, group(ALL_USERS_URI, 'READ')];
    case 'public-read-write':
      return [own, group(ALL_USERS_URI, 'READ'), group(ALL_USERS_URI, 'WRITE')];
    case 'authenticated-read':
      return [own, group(AUTHENTICATED_USERS_URI, 'READ')];
    default:
      return [own];
  }
}

/** AccessControlPolicy XML by hand: grantees carry an xsi:type attribute the SDKs read. */
export function renderAcl(setting: { acl?: string; grants?: AclGrant[] }, owner: Owner): string {
  const grants = effectiveGrants(setting, owner)
    .map((g) => {
      const who =
        g.grantee.type === 'CanonicalUser'
          ? `<Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser"><ID>${escapeXml(g.grantee.id)}</ID><DisplayName>${escapeXml(owner.displayName)}</DisplayName></Grantee>`
          : `<Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="Group"><URI>${escapeXml(g.grantee.uri)}</URI></Grantee>`;
      return `<Grant>${who}<Permission>${g.permission}</Permission></Grant>`;
    })
    .join('');
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<AccessControlPolicy xmlns="${S3_XMLNS}">` +
    `<Owner><ID>${escapeXml(owner.id)}</ID><DisplayName>${escapeXml(owner.displayName)}</DisplayName></Owner>` +
    `<AccessControlList>${grants}</AccessControlList></AccessControlPolicy>`
  );
}
