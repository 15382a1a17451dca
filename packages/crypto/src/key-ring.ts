import { createCipheriv, createDecipheriv } from 'node:crypto';
import { inspect } from 'node:util';
import { DecryptionError, KeyRingError } from './errors';
import { DATA_KEY_SIZE, NONCE_SIZE, TAG_SIZE } from './format';
import { pooledRandomBytes } from '@excloud/contracts';

const MASTER_KEY_SIZE = 32;
const WRAPPED_SIZE = NONCE_SIZE + DATA_KEY_SIZE + TAG_SIZE;
// Key ids end up in metadata rows and in the env string (where ':' and ',' are separators).
const KEY_ID_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;
// Buffer.from(s, 'base64') silently skips garbage, so validate the alphabet first.
const BASE64_PATTERN = /^(?:[A-Za-z0-9+/]+={0,2}|[A-Za-z0-9_-]+)$/;

export interface WrappedKey {
  keyId: string;
  /** base64(nonce(12) ‖ encrypted data key(32) ‖ tag(16)) */
  wrapped: string;
}

/**
 * Master keys that wrap per-blob data keys. New data keys are always wrapped with the active key;
 * older keys stay in the ring so existing blobs remain readable until they are re-wrapped.
 * Key material is held privately and never appears in errors, JSON or inspect output.
 */
export class KeyRing {
  readonly activeKeyId: string;
  readonly #keys: Map<string, Buffer>;

  constructor(opts: { activeKeyId: string; keys: Record<string, Buffer> }) {
    const keys = new Map<string, Buffer>();
    for (const [id, key] of Object.entries(opts.keys)) {
      if (!KEY_ID_PATTERN.test(id)) {
        throw new KeyRingError(`key id "${id}" is invalid: use 1-64 characters from A-Z a-z 0-9 _ . -`);
      }
      if (!Buffer.isBuffer(key) || key.length !== MASTER_KEY_SIZE) {
        const got = Buffer.isBuffer(key) ? `${key.length} bytes` : typeof key;
        throw new KeyRingError(`key "${id}" must be ${MASTER_KEY_SIZE} bytes, got ${got}`);
      }
      keys.set(id, Buffer.from(key)); // copy: the caller's buffer may be reused or zeroed
    }
    if (keys.size === 0) throw new KeyRingError('key ring has no keys');
    if (!keys.has(opts.activeKeyId)) {
      throw new KeyRingError(`active key id "${opts.activeKeyId}" is not in the key ring (have: ${[...keys.keys()].join(', ')})`);
    }
    this.activeKeyId = opts.activeKeyId;
    this.#keys = keys;
  }

  get keyIds(): string[] {
    return [...this.#keys.keys()];
  }

  has(keyId: string): boolean {
    return this.#keys.has(keyId);
  }

  /** Wraps a data key with the active master key (AES-256-GCM, random 12-byte nonce). */
  wrap(dataKey: Buffer): WrappedKey {
    if (dataKey.length !== DATA_KEY_SIZE) throw new RangeError(`data key must be ${DATA_KEY_SIZE} bytes`);
    const nonce = pooledRandomBytes(NONCE_SIZE);
    const cipher = createCipheriv('aes-256-gcm', this.#keys.get(this.activeKeyId)!, nonce, { authTagLength: TAG_SIZE });
    // Elements evaluate in order: final() runs before getAuthTag().
    const wrapped = Buffer.concat([nonce, cipher.update(dataKey), cipher.final(), cipher.getAuthTag()], WRAPPED_SIZE);
    return { keyId: this.activeKeyId, wrapped: wrapped.toString('base64') };
  }

  /**
   * Recovers a data key. An unknown key id is a configuration problem (KeyRingError); a wrapped
   * key that doesn't authenticate is corruption or tampering (DecryptionError).
   */
  unwrap(wrapped: WrappedKey): Buffer {
    const master = this.#keys.get(wrapped.keyId);
    if (!master) {
      throw new KeyRingError(`key id "${wrapped.keyId}" is not in the key ring (have: ${this.keyIds.join(', ')})`);
    }
    const raw = typeof wrapped.wrapped === 'string' && BASE64_PATTERN.test(wrapped.wrapped)
      ? Buffer.from(wrapped.wrapped, 'base64')
      : Buffer.alloc(0);
    if (raw.length !== WRAPPED_SIZE) {
      throw new DecryptionError(`wrapped data key is malformed (expected ${WRAPPED_SIZE} bytes of base64)`);
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', master, raw.subarray(0, NONCE_SIZE), { authTagLength: TAG_SIZE });
      decipher.setAuthTag(raw.subarray(NONCE_SIZE + DATA_KEY_SIZE));
      return Buffer.concat([decipher.update(raw.subarray(NONCE_SIZE, NONCE_SIZE + DATA_KEY_SIZE)), decipher.final()]);
    } catch (err) {
      throw new DecryptionError(`wrapped data key does not authenticate under key "${wrapped.keyId}"`, { cause: err });
    }
  }

  toJSON(): { activeKeyId: string; keyIds: string[] } {
    return { activeKeyId: this.activeKeyId, keyIds: this.keyIds };
  }

  [inspect.custom](): string {
    return `KeyRing { activeKeyId: '${this.activeKeyId}', keyIds: [${this.keyIds.map((k) => `'${k}'`).join(', ')}] }`;
  }
}

/**
 * Builds a key ring from an env-style string `k1:<base64 32 bytes>,k2:<base64 32 bytes>`.
 * The active key defaults to the first entry, so rotation = prepend a new key (or set activeKeyId).
 * Errors name the entry position and key id, never the key itself.
 */
export function parseKeyRing(opts: { keys: string; activeKeyId?: string }): KeyRing {
  const spec = (opts.keys ?? '').trim();
  if (spec === '') throw new KeyRingError('key ring is empty: expected "keyId:base64key[,keyId:base64key...]"');
  const keys: Record<string, Buffer> = {};
  const order: string[] = [];
  spec.split(',').forEach((rawEntry, i) => {
    const entry = rawEntry.trim();
    const where = `key ring entry ${i + 1}`;
    if (entry === '') throw new KeyRingError(`${where} is empty (stray comma?)`);
    const colon = entry.indexOf(':');
    if (colon < 0) throw new KeyRingError(`${where} has no ":" — expected "keyId:base64key"`);
    const id = entry.slice(0, colon).trim();
    const b64 = entry.slice(colon + 1).trim();
    if (id === '') throw new KeyRingError(`${where} has an empty key id`);
    if (!KEY_ID_PATTERN.test(id)) {
      throw new KeyRingError(`${where}: key id "${id}" is invalid: use 1-64 characters from A-Z a-z 0-9 _ . -`);
    }
    if (Object.prototype.hasOwnProperty.call(keys, id)) throw new KeyRingError(`${where}: key id "${id}" appears twice`);
    if (b64 === '') throw new KeyRingError(`${where}: key "${id}" has no key material`);
    if (!BASE64_PATTERN.test(b64)) throw new KeyRingError(`${where}: key "${id}" is not valid base64`);
    const key = Buffer.from(b64, 'base64');
    if (key.length !== MASTER_KEY_SIZE) {
      throw new KeyRingError(`${where}: key "${id}" decodes to ${key.length} bytes, expected ${MASTER_KEY_SIZE}`);
    }
    keys[id] = key;
    order.push(id);
  });
  return new KeyRing({ activeKeyId: opts.activeKeyId ?? order[0]!, keys });
}
