import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { DecryptionError, KeyRingError } from './errors';
import { KeyRing, parseKeyRing } from './key-ring';
import { rewrap } from './rewrap';
import { decrypt, encrypt } from './test-helpers';

const b64 = (n = 32) => randomBytes(n).toString('base64');

describe('parseKeyRing', () => {
  it('parses entries; the first key is active unless told otherwise', () => {
    const k1 = b64();
    const k2 = b64();
    const ring = parseKeyRing({ keys: ` k1:${k1} , k2:${k2}` });
    expect(ring.activeKeyId).toBe('k1');
    expect(ring.keyIds).toEqual(['k1', 'k2']);
    expect(parseKeyRing({ keys: `k1:${k1},k2:${k2}`, activeKeyId: 'k2' }).activeKeyId).toBe('k2');
  });

  it('accepts base64url key material', () => {
    const key = randomBytes(32).toString('base64url');
    expect(parseKeyRing({ keys: `k1:${key}` }).keyIds).toEqual(['k1']);
  });

  it.each([
    ['', /empty/],
    ['   ', /empty/],
    [`k1:${b64()},`, /entry 2 is empty/],
    ['k1', /entry 1 has no ":"/],
    [`:${b64()}`, /entry 1 has an empty key id/],
    [`k 1:${b64()}`, /key id "k 1" is invalid/],
    [`k1:${b64()},k1:${b64()}`, /entry 2: key id "k1" appears twice/],
    ['k1:', /key "k1" has no key material/],
    ['k1:not*base64!', /key "k1" is not valid base64/],
    [`k1:${b64(16)}`, /key "k1" decodes to 16 bytes, expected 32/],
  ])('%j -> %s', (keys, message) => {
    expect(() => parseKeyRing({ keys })).toThrow(KeyRingError);
    expect(() => parseKeyRing({ keys })).toThrow(message);
  });

  it('names a missing active key id', () => {
    expect(() => parseKeyRing({ keys: `k1:${b64()}`, activeKeyId: 'k2' })).toThrow(/active key id "k2" is not in the key ring \(have: k1\)/);
  });

  it('never puts key material in errors, JSON or inspect output', () => {
    const secret = b64(16);
    let message = '';
    try {
      parseKeyRing({ keys: `k1:${secret}` });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).not.toContain(secret);
    const key = randomBytes(32);
    const ring = new KeyRing({ activeKeyId: 'k1', keys: { k1: key } });
    expect(JSON.stringify(ring)).not.toContain(key.toString('base64'));
    expect(inspect(ring)).toBe("KeyRing { activeKeyId: 'k1', keyIds: ['k1'] }");
  });
});

describe('KeyRing', () => {
  it('rejects keys that are not 32 bytes', () => {
    expect(() => new KeyRing({ activeKeyId: 'k1', keys: { k1: randomBytes(31) } })).toThrow(/must be 32 bytes, got 31 bytes/);
    expect(() => new KeyRing({ activeKeyId: 'k1', keys: {} })).toThrow(KeyRingError);
  });

  it('copies keys so later changes to the caller buffer do not matter', () => {
    const key = randomBytes(32);
    const ring = new KeyRing({ activeKeyId: 'k1', keys: { k1: key } });
    const dataKey = randomBytes(32);
    const wrapped = ring.wrap(dataKey);
    key.fill(0);
    expect(ring.unwrap(wrapped).equals(dataKey)).toBe(true);
  });

  it('wraps with a random nonce: same data key wraps differently each time', () => {
    const ring = new KeyRing({ activeKeyId: 'k1', keys: { k1: randomBytes(32) } });
    const dataKey = randomBytes(32);
    const a = ring.wrap(dataKey);
    const b = ring.wrap(dataKey);
    expect(a.wrapped).not.toBe(b.wrapped);
    expect(Buffer.from(a.wrapped, 'base64')).toHaveLength(60);
    expect(ring.unwrap(b).equals(dataKey)).toBe(true);
  });

  it('unwrap under the wrong key id fails authentication', () => {
    const ring = new KeyRing({ activeKeyId: 'k1', keys: { k1: randomBytes(32), k2: randomBytes(32) } });
    const wrapped = ring.wrap(randomBytes(32));
    expect(() => ring.unwrap({ ...wrapped, keyId: 'k2' })).toThrow(DecryptionError);
  });
});

describe('rewrap (rotation)', () => {
  it('re-wraps under the new active key; the blob still decrypts, the old key can be retired', async () => {
    const k1 = randomBytes(32);
    const k2 = randomBytes(32);
    const oldRing = new KeyRing({ activeKeyId: 'k1', keys: { k1 } });
    const blobId = 'org1/20250101/01JROTATE';
    const plaintext = randomBytes(70000);
    const { ciphertext, keyInfo } = await encrypt(oldRing, blobId, plaintext);

    const rotating = new KeyRing({ activeKeyId: 'k2', keys: { k1, k2 } });
    const next = rewrap(rotating, keyInfo);
    expect(next.keyId).toBe('k2');
    expect(next.noncePrefix).toBe(keyInfo.noncePrefix);
    expect(next.wrappedKey).not.toBe(keyInfo.wrappedKey);

    const retired = new KeyRing({ activeKeyId: 'k2', keys: { k2 } });
    const out = await decrypt({ ring: retired, blobId, keyInfo: next, plaintextLength: plaintext.length, ciphertext });
    expect(out.equals(plaintext)).toBe(true);
    expect(() => decrypt({ ring: retired, blobId, keyInfo, plaintextLength: plaintext.length, ciphertext })).toThrow(KeyRingError);
  });

  it('is a no-op for key infos already under the active key', () => {
    const ring = new KeyRing({ activeKeyId: 'k1', keys: { k1: randomBytes(32) } });
    const info = { keyId: 'k1', wrappedKey: ring.wrap(randomBytes(32)).wrapped, noncePrefix: randomBytes(7).toString('base64') };
    expect(rewrap(ring, info)).toEqual(info);
  });

  it('fails clearly when the old key is gone', () => {
    const ring = new KeyRing({ activeKeyId: 'k2', keys: { k2: randomBytes(32) } });
    expect(() => rewrap(ring, { keyId: 'k1', wrappedKey: 'x', noncePrefix: 'y' })).toThrow(/key id "k1" is not in the key ring/);
  });
});
