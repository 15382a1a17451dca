import { createDecipheriv } from 'node:crypto';
import { DecryptionError } from './errors';
import type { KeyRing } from './key-ring';
import {
  blobAad,
  ciphertextLength,
  FRAME_SIZE,
  frameCount,
  frameNonce,
  framePlaintextLength,
  NONCE_PREFIX_SIZE,
  STORED_FRAME_SIZE,
  TAG_SIZE,
  type BlobKeyInfo,
} from './format';

interface FramePlan {
  plaintextLength: number;
  frames: number;
  firstFrame: number;
  /** Last frame we must authenticate (inclusive). */
  lastFrame: number;
  /** Plaintext window relative to the start of firstFrame: [skip, skip + take). */
  skip: number;
  take: number;
  /** Stored bytes from the start of firstFrame to the end of the blob; anything beyond is an error. */
  maxInput: number;
}

/**
 * Framed ciphertext in, plaintext out, without a stream around it. A frame's plaintext is only
 * handed out after its tag verified, so a consumer never sees unauthenticated bytes: on any
 * failure update() or finish() throws a DecryptionError instead.
 *
 * A frame that lies whole inside an input chunk (the common case: backends read hundreds of KiB at
 * a time) is opened in place; only frames split across chunks are assembled in a frame buffer.
 */
export class FrameOpener {
  readonly #dataKey: Buffer;
  readonly #noncePrefix: Buffer;
  readonly #aad: Buffer;
  readonly #plan: FramePlan;
  #frame: Buffer | undefined;
  #filled = 0;
  #index: number;
  /** Plaintext offset (relative to firstFrame) of the next frame to open. */
  #position = 0;
  #received = 0;

  constructor(dataKey: Buffer, noncePrefix: Buffer, aad: Buffer, plan: FramePlan) {
    this.#dataKey = dataKey;
    this.#noncePrefix = noncePrefix;
    this.#aad = aad;
    this.#plan = plan;
    this.#index = plan.firstFrame;
  }

  /** True once every frame the window needs has been authenticated; later input is only length-checked. */
  get complete(): boolean {
    return this.#index > this.#plan.lastFrame;
  }

  /** Takes stored bytes; appends to `out` the plaintext (within the window) of every frame they completed. */
  update(chunk: Buffer, out: Buffer[]): void {
    this.#received += chunk.length;
    if (this.#received > this.#plan.maxInput) {
      throw new DecryptionError(`ciphertext is longer than a ${this.#plan.plaintextLength}-byte blob allows`);
    }
    let offset = 0;
    // Bytes after the last needed frame (a caller piping the whole blob for a range) are dropped
    // unread; the length check above still rejects input that can't belong to this blob.
    while (offset < chunk.length && !this.complete) {
      const want = this.#storedSize(this.#index);
      if (this.#filled === 0 && chunk.length - offset >= want) {
        this.#open(chunk.subarray(offset, offset + want), out);
        offset += want;
        continue;
      }
      this.#frame ??= Buffer.allocUnsafe(STORED_FRAME_SIZE);
      const n = Math.min(want - this.#filled, chunk.length - offset);
      chunk.copy(this.#frame, this.#filled, offset, offset + n);
      this.#filled += n;
      offset += n;
      if (this.#filled === want) {
        this.#filled = 0;
        this.#open(this.#frame.subarray(0, want), out);
      }
    }
  }

  /** The input ended: throws unless every needed frame arrived. */
  finish(): void {
    if (!this.complete) {
      throw new DecryptionError(`ciphertext truncated: frame ${this.#index} of ${this.#plan.frames} is incomplete or missing`);
    }
  }

  dispose(): void {
    this.#dataKey.fill(0);
    this.#frame?.fill(0);
  }

  #storedSize(index: number): number {
    return framePlaintextLength(this.#plan.plaintextLength, index) + TAG_SIZE;
  }

  #open(stored: Buffer, out: Buffer[]): void {
    const index = this.#index;
    const final = index === this.#plan.frames - 1;
    const bodyLength = stored.length - TAG_SIZE;
    let plaintext: Buffer;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#dataKey, frameNonce(this.#noncePrefix, index, final), {
        authTagLength: TAG_SIZE,
      });
      decipher.setAAD(this.#aad);
      decipher.setAuthTag(stored.subarray(bodyLength));
      plaintext = decipher.update(stored.subarray(0, bodyLength));
      decipher.final(); // checks the tag; GCM emits no further bytes
    } catch (err) {
      throw new DecryptionError(`frame ${index} failed authentication (corrupt, reordered, truncated or wrong blob id)`, {
        cause: err,
      });
    }
    this.#index += 1;
    const frameStart = this.#position;
    this.#position += plaintext.length;
    const from = Math.max(0, this.#plan.skip - frameStart);
    const to = Math.min(plaintext.length, this.#plan.skip + this.#plan.take - frameStart);
    if (to > from) out.push(from === 0 && to === plaintext.length ? plaintext : plaintext.subarray(from, to));
  }
}

function decodeNoncePrefix(noncePrefix: string): Buffer {
  const raw = typeof noncePrefix === 'string' ? Buffer.from(noncePrefix, 'base64') : Buffer.alloc(0);
  if (raw.length !== NONCE_PREFIX_SIZE || raw.toString('base64') !== noncePrefix) {
    throw new DecryptionError(`nonce prefix must be ${NONCE_PREFIX_SIZE} bytes of base64`);
  }
  return raw;
}

export interface OpenBlobOptions {
  ring: KeyRing;
  blobId: string;
  keyInfo: BlobKeyInfo;
  plaintextLength: number;
  firstFrame: number;
  skip?: number;
  take?: number;
}

/**
 * Opens stored frames starting at `firstFrame` (use frameRangeFor for ranges; 0 for the whole
 * blob) and hands out plaintext bytes [skip, skip + take) relative to the start of that frame.
 *
 * Key problems are reported synchronously, before any byte flows (so a server can still answer
 * with an error status): KeyRingError for an unknown key id, DecryptionError for a wrapped key or
 * nonce prefix that doesn't check out. Frame problems surface from update() and finish().
 */
export function openBlob(opts: OpenBlobOptions): FrameOpener {
  const aad = blobAad(opts.blobId);
  const { plaintextLength, firstFrame } = opts;
  const frames = frameCount(plaintextLength);
  if (!Number.isSafeInteger(firstFrame) || firstFrame < 0 || firstFrame >= frames) {
    throw new RangeError(`firstFrame ${firstFrame} is outside a blob of ${frames} frame(s)`);
  }
  const available = plaintextLength - firstFrame * FRAME_SIZE;
  const skip = opts.skip ?? 0;
  const take = opts.take ?? available - skip;
  if (!Number.isSafeInteger(skip) || !Number.isSafeInteger(take) || skip < 0 || take < 0 || skip + take > available) {
    throw new RangeError(`skip ${skip} / take ${take} exceed the ${available} bytes from frame ${firstFrame}`);
  }
  // A read that reaches the end of the blob must open the final frame (its flag is what detects
  // dropped trailing frames); an empty window still authenticates firstFrame.
  const end = firstFrame * FRAME_SIZE + skip + take;
  const lastFrame = end >= plaintextLength ? frames - 1 : Math.max(firstFrame, Math.floor((end - 1) / FRAME_SIZE));
  const plan: FramePlan = {
    plaintextLength,
    frames,
    firstFrame,
    lastFrame,
    skip,
    take,
    maxInput: ciphertextLength(plaintextLength) - firstFrame * STORED_FRAME_SIZE,
  };
  const noncePrefix = decodeNoncePrefix(opts.keyInfo.noncePrefix);
  const dataKey = opts.ring.unwrap({ keyId: opts.keyInfo.keyId, wrapped: opts.keyInfo.wrappedKey });
  return new FrameOpener(dataKey, noncePrefix, aad, plan);
}
