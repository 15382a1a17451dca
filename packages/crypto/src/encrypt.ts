import { createCipheriv, randomBytes } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import type { KeyRing } from './key-ring';
import {
  blobAad,
  DATA_KEY_SIZE,
  FRAME_SIZE,
  frameNonce,
  MAX_FRAMES,
  NONCE_PREFIX_SIZE,
  STORED_FRAME_SIZE,
  TAG_SIZE,
  type BlobKeyInfo,
} from './format';

/**
 * Plaintext in, framed ciphertext out. Memory is one frame buffer regardless of blob size.
 *
 * A full frame is held back until more input arrives (then it's sealed as non-final) or the input
 * ends (then it's sealed as final). That's how the last frame gets its final flag without knowing
 * the length up front — and why a blob that is an exact multiple of FRAME_SIZE has no empty tail frame.
 */
class FrameEncryptor extends Transform {
  readonly #dataKey: Buffer;
  readonly #noncePrefix: Buffer;
  readonly #aad: Buffer;
  readonly #frame = Buffer.allocUnsafe(FRAME_SIZE);
  #filled = 0;
  #index = 0;

  constructor(dataKey: Buffer, noncePrefix: Buffer, aad: Buffer) {
    super({ readableHighWaterMark: STORED_FRAME_SIZE, writableHighWaterMark: FRAME_SIZE });
    this.#dataKey = dataKey;
    this.#noncePrefix = noncePrefix;
    this.#aad = aad;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      let offset = 0;
      while (offset < chunk.length) {
        if (this.#filled === FRAME_SIZE) this.push(this.#seal(false)); // more data follows: not final
        const n = Math.min(FRAME_SIZE - this.#filled, chunk.length - offset);
        chunk.copy(this.#frame, this.#filled, offset, offset + n);
        this.#filled += n;
        offset += n;
      }
      callback();
    } catch (err) {
      callback(err as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      this.push(this.#seal(true));
      callback();
    } catch (err) {
      callback(err as Error);
    }
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    // The cipher contexts hold their own copy; don't leave the data key lying around in our heap.
    this.#dataKey.fill(0);
    this.#frame.fill(0);
    callback(err);
  }

  #seal(final: boolean): Buffer {
    if (this.#index >= MAX_FRAMES) throw new RangeError(`blob exceeds ${MAX_FRAMES} frames`);
    const cipher = createCipheriv('aes-256-gcm', this.#dataKey, frameNonce(this.#noncePrefix, this.#index, final), {
      authTagLength: TAG_SIZE,
    });
    cipher.setAAD(this.#aad);
    const out = Buffer.concat([cipher.update(this.#frame.subarray(0, this.#filled)), cipher.final(), cipher.getAuthTag()]);
    this.#index += 1;
    this.#filled = 0;
    return out;
  }
}

/**
 * Starts encrypting one blob: a fresh random data key (wrapped by the ring's active key) and a fresh
 * nonce prefix. Store `keyInfo` with the blob's metadata; pipe the plaintext through `stream`.
 */
export function createEncryptor(opts: { ring: KeyRing; blobId: string }): { keyInfo: BlobKeyInfo; stream: Transform } {
  const aad = blobAad(opts.blobId);
  const dataKey = randomBytes(DATA_KEY_SIZE);
  const noncePrefix = randomBytes(NONCE_PREFIX_SIZE);
  const { keyId, wrapped } = opts.ring.wrap(dataKey);
  return {
    keyInfo: { keyId, wrappedKey: wrapped, noncePrefix: noncePrefix.toString('base64') },
    stream: new FrameEncryptor(dataKey, noncePrefix, aad),
  };
}
