import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Access key secrets at rest: AES-256-GCM, the access key id as associated data so a ciphertext
 * copied onto another key's row does not decrypt. Format `v1:<base64(nonce | ciphertext | tag)>`.
 */
const VERSION = 'v1:';

export function sealSecret(key: Buffer, accessKeyId: string, secret: string): string {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(Buffer.from(accessKeyId));
  const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return VERSION + Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64');
}

export function openSecret(key: Buffer, accessKeyId: string, sealed: string): string {
  if (!sealed.startsWith(VERSION)) throw new Error(`access key ${accessKeyId}: unknown secret format`);
  const raw = Buffer.from(sealed.slice(VERSION.length), 'base64');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  decipher.setAAD(Buffer.from(accessKeyId));
  decipher.setAuthTag(raw.subarray(raw.length - 16));
  return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString('utf8');
}

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const SECRET_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** 20 characters, `AKIA` + 16 of base32, like AWS long-term key ids (older `AK…` ids still verify). */
export function newAccessKeyId(): string {
  return 'AKIA' + pick(ID_ALPHABET, 16);
}

/** 40 characters of base64 alphabet, like AWS secrets. */
export function newSecretAccessKey(): string {
  return pick(SECRET_ALPHABET, 40);
}

function pick(alphabet: string, n: number): string {
  // Both alphabets have a power-of-two size, so masking a random byte is unbiased.
  const bytes = randomBytes(n);
  let out = '';
  for (const b of bytes) out += alphabet[b & (alphabet.length - 1)];
  return out;
}
