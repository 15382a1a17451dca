import { createCipheriv } from 'node:crypto';
import type { KeyRing } from './key-ring';
import { blobAad, DATA_KEY_SIZE, FRAME_SIZE, frameNonce, MAX_FRAMES, NONCE_PREFIX_SIZE, TAG_SIZE, type BlobKeyInfo } from './format';
import { pooledRandomBytes } from '@excloud/contracts';

/**
 * Plaintext in, framed ciphertext out, without a stream around it: the caller feeds chunks and
 * writes out what comes back. The bytes of the frame being filled are held (not encrypted yet)
 * until more input arrives (then the frame is sealed as non-final) or the blob ends (sealed as
 * final). That is how the last frame gets its final flag without knowing the length up front, and
 * why a blob that is an exact multiple of FRAME_SIZE has no empty tail frame.
 *
 * Ciphertext comes back as one piece per input piece plus the frame's tag, never concatenated:
 * every consumer (file staging buffer, socket writev) copies or gathers anyway.
 */
export class FrameSealer {
  readonly #dataKey: Buffer;
  readonly #noncePrefix: Buffer;
  readonly #aad: Buffer;
  readonly #borrow: boolean;
  readonly #pending: Buffer[] = [];
  #pendingBytes = 0;
  #index = 0;
  #done = false;

  /**
   * `borrowInput`: the caller never touches a chunk again after handing it over (HTTP request
   * bodies: every socket read is a fresh buffer), so pending bytes are referenced, not copied.
   */
  constructor(dataKey: Buffer, noncePrefix: Buffer, aad: Buffer, borrowInput: boolean) {
    this.#dataKey = dataKey;
    this.#noncePrefix = noncePrefix;
    this.#aad = aad;
    this.#borrow = borrowInput;
  }

  /** Takes a plaintext chunk; appends to `out` the ciphertext of every frame it completed before. */
  update(chunk: Buffer, out: Buffer[]): void {
    if (this.#done) throw new Error('sealer already finished');
    let offset = 0;
    while (offset < chunk.length) {
      if (this.#pendingBytes === FRAME_SIZE) this.#seal(false, out); // more data follows: not final
      const n = Math.min(FRAME_SIZE - this.#pendingBytes, chunk.length - offset);
      const piece = n === chunk.length ? chunk : chunk.subarray(offset, offset + n);
      this.#pending.push(this.#borrow ? piece : Buffer.from(piece));
      this.#pendingBytes += n;
      offset += n;
    }
  }

  /** The input ended: appends the final frame to `out` and forgets the data key. */
  finish(out: Buffer[]): void {
    if (this.#done) throw new Error('sealer already finished');
    this.#seal(true, out);
    this.dispose();
  }

  /** Zeroes the data key (the cipher contexts held their own copy); the sealer is unusable after. */
  dispose(): void {
    this.#done = true;
    this.#dataKey.fill(0);
    this.#pending.length = 0;
    this.#pendingBytes = 0;
  }

  #seal(final: boolean, out: Buffer[]): void {
    if (this.#index >= MAX_FRAMES) throw new RangeError(`blob exceeds ${MAX_FRAMES} frames`);
    const cipher = createCipheriv('aes-256-gcm', this.#dataKey, frameNonce(this.#noncePrefix, this.#index, final), {
      authTagLength: TAG_SIZE,
    });
    cipher.setAAD(this.#aad);
    for (const piece of this.#pending) out.push(cipher.update(piece));
    cipher.final(); // GCM emits nothing here: ciphertext is as long as the plaintext
    out.push(cipher.getAuthTag());
    this.#index += 1;
    this.#pending.length = 0;
    this.#pendingBytes = 0;
  }
}

/**
 * Starts encrypting one blob: a fresh random data key (wrapped by the ring's active key) and a fresh
 * nonce prefix. Store `keyInfo` with the blob's metadata; feed the plaintext to `sealer`.
 */
export function openSealer(opts: { ring: KeyRing; blobId: string; borrowInput?: boolean }): { keyInfo: BlobKeyInfo; sealer: FrameSealer } {
  const aad = blobAad(opts.blobId);
  const dataKey = pooledRandomBytes(DATA_KEY_SIZE);
  const noncePrefix = pooledRandomBytes(NONCE_PREFIX_SIZE);
  const { keyId, wrapped } = opts.ring.wrap(dataKey);
  return {
    keyInfo: { keyId, wrappedKey: wrapped, noncePrefix: noncePrefix.toString('base64') },
    sealer: new FrameSealer(dataKey, noncePrefix, aad, opts.borrowInput ?? false),
  };
}
