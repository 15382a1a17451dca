import { randomBytes } from 'node:crypto';
import { newAccessKeyId, newSecretAccessKey, openSecret, sealSecret } from './secrets';

describe('access key secrets at rest', () => {
  const key = randomBytes(32);

  it('round-trips and never stores the clear secret', () => {
    const secret = newSecretAccessKey();
    const sealed = sealSecret(key, 'AKTEST', secret);
    expect(sealed).not.toContain(secret);
    expect(openSecret(key, 'AKTEST', sealed)).toBe(secret);
  });

  it('refuses a ciphertext moved to another key id', () => {
    const sealed = sealSecret(key, 'AKONE', 'secret');
    expect(() => openSecret(key, 'AKTWO', sealed)).toThrow();
  });

  it('refuses a wrong master key', () => {
    const sealed = sealSecret(key, 'AKONE', 'secret');
    expect(() => openSecret(randomBytes(32), 'AKONE', sealed)).toThrow();
  });

  it('makes AWS-shaped ids and secrets', () => {
    const ids = new Set(Array.from({ length: 200 }, newAccessKeyId));
    expect(ids.size).toBe(200);
    for (const id of ids) expect(id).toMatch(/^AKIA[A-Z2-7]{16}$/);
    expect(newSecretAccessKey()).toMatch(/^[A-Za-z0-9+/]{40}$/);
  });
});
