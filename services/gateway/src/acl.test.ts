import type { IncomingMessage } from 'node:http';
import { S3Error } from '@excloud/s3-protocol';
import { aclFromRequest, effectiveGrants, renderAcl } from './acl';

const owner = { id: 'a'.repeat(64), displayName: 'acme' };
const req = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;
const codeOf = (fn: () => unknown) => {
  try {
    fn();
    return 'ok';
  } catch (err) {
    return (err as S3Error).code;
  }
};

describe('ACL requests', () => {
  it('takes a canned ACL, grant headers or a policy body, and only one of them', () => {
    expect(aclFromRequest(req({ 'x-amz-acl': 'public-read' }), '', owner)).toEqual({ acl: 'public-read' });
    expect(aclFromRequest(req({ 'x-amz-grant-read': 'uri="http://acs.amazonaws.com/groups/global/AllUsers"' }), '', owner).grants).toEqual([
      { grantee: { type: 'Group', uri: 'http://acs.amazonaws.com/groups/global/AllUsers' }, permission: 'READ' },
    ]);
    expect(codeOf(() => aclFromRequest(req({ 'x-amz-acl': 'private', 'x-amz-grant-read': `id="${owner.id}"` }), '', owner))).toBe('InvalidRequest');
    expect(codeOf(() => aclFromRequest(req({ 'x-amz-acl': 'everyone' }), '', owner))).toBe('InvalidArgument');
    expect(codeOf(() => aclFromRequest(req({}), '', owner))).toBe('MissingSecurityHeader');
  });

  it('never grants to another canonical user', () => {
    expect(codeOf(() => aclFromRequest(req({ 'x-amz-grant-read': `id="${'b'.repeat(64)}"` }), '', owner))).toBe('InvalidArgument');
    const policy = `<AccessControlPolicy><Owner><ID>${owner.id}</ID></Owner><AccessControlList><Grant><Grantee><ID>${'b'.repeat(64)}</ID></Grantee><Permission>READ</Permission></Grant></AccessControlList></AccessControlPolicy>`;
    expect(codeOf(() => aclFromRequest(req({}), policy, owner))).toBe('InvalidArgument');
    expect(codeOf(() => aclFromRequest(req({}), '<AccessControlPolicy><Bad', owner))).toBe('MalformedACLError');
  });

  it('renders canned ACLs as their grants with typed grantees', () => {
    expect(effectiveGrants({ acl: 'public-read-write' }, owner).map((g) => g.permission)).toEqual(['FULL_CONTROL', 'READ', 'WRITE']);
    const xml = renderAcl({ acl: 'public-read' }, owner);
    expect(xml).toContain('xsi:type="CanonicalUser"');
    expect(xml).toContain('<URI>http://acs.amazonaws.com/groups/global/AllUsers</URI></Grantee><Permission>READ</Permission>');
  });
});
