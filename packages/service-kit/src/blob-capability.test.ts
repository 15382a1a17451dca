import { randomBytes } from 'node:crypto';
import { asOrgId } from '@excloud/contracts';
import { ConfigError } from './config';
import { CAPABILITY_TTL_SECONDS, checkCapability, mintCapability, parseCapabilityKeys } from './blob-capability';

const key = () => randomBytes(32).toString('base64');
const acme = asOrgId('acme');
const blobId = 'acme/20261201/01JABCDEFGHJKMNPQRSTVWXYZ01';

describe('blob capabilities', () => {
  const keys = parseCapabilityKeys(`new:${key()},old:${key()}`);

  it('opens exactly the operation and blob it names', () => {
    const cap = mintCapability(keys, { orgId: acme, op: 'get', blobId });
    expect(checkCapability(keys, cap, 'get', blobId)).toEqual({ orgId: acme, op: 'get', blobId });
    expect(() => checkCapability(keys, cap, 'put', blobId)).toThrow(/does not allow put/);
    expect(() => checkCapability(keys, cap, 'get', `${blobId}X`)).toThrow(/another blob/);
  });

  it('expires after its TTL', () => {
    const now = Date.now();
    const cap = mintCapability(keys, { orgId: acme, op: 'get', blobId }, now);
    expect(() => checkCapability(keys, cap, 'get', blobId, now + (CAPABILITY_TTL_SECONDS - 1) * 1000)).not.toThrow();
    expect(() => checkCapability(keys, cap, 'get', blobId, now + (CAPABILITY_TTL_SECONDS + 1) * 1000)).toThrow(/expired/);
  });

  it('cannot name a blob outside its org', () => {
    const cap = mintCapability(keys, { orgId: asOrgId('acm'), op: 'get', blobId });
    expect(() => checkCapability(keys, cap, 'get', blobId)).toThrow(/another blob/);
  });

  it('rotates: the first key signs, every key verifies, a removed key stops working', () => {
    const old = parseCapabilityKeys(`old:${keys.keys.get('old')!.toString('base64')}`);
    const fromOldGateway = mintCapability(old, { orgId: acme, op: 'put', blobId });
    expect(checkCapability(keys, fromOldGateway, 'put', blobId).op).toBe('put');
    expect(mintCapability(keys, { orgId: acme, op: 'put', blobId }).startsWith('new.')).toBe(true);
    const afterRotation = parseCapabilityKeys(`new:${keys.keys.get('new')!.toString('base64')}`);
    expect(() => checkCapability(afterRotation, fromOldGateway, 'put', blobId)).toThrow(/invalid/);
  });

  it.each([undefined, '', 'a.b', 'new.e30.', 'new.!!!.AAAA', '.e30.AAAA'])('refuses %p', (token) => {
    expect(() => checkCapability(keys, token, 'get', blobId)).toThrow(expect.objectContaining({ code: 'AccessDenied' }));
  });

  it('refuses a genuine capability with anything added, removed or changed', () => {
    const cap = mintCapability(keys, { orgId: acme, op: 'get', blobId });
    const [kid, payload, mac] = cap.split('.') as [string, string, string];
    const variants = [`${cap}.x`, `${kid}.${payload}.x.${mac}`, `${kid}.${payload}${mac}`, `${cap}A`, cap.slice(0, -1), `x${cap}`, `${kid}.${payload}.${mac.toUpperCase()}`];
    for (const token of variants) {
      expect(() => checkCapability(keys, token, 'get', blobId)).toThrow(expect.objectContaining({ code: 'AccessDenied' }));
    }
  });

  it.each(['', 'nokid', `:${key()}`, `a b:${key()}`, `k:${randomBytes(8).toString('base64')}`, `k:${key()},k:${key()}`])('config %p is a ConfigError', (raw) => {
    expect(() => parseCapabilityKeys(raw)).toThrow(ConfigError);
  });
});
