import { Transform, type TransformCallback } from 'node:stream';
import type { KeyRing } from './key-ring';
import type { BlobKeyInfo } from './format';
import { openSealer, type FrameSealer } from './seal';

/** FrameSealer as a Transform, for callers that pipe. Memory is about one frame regardless of blob size. */
class FrameEncryptor extends Transform {
  readonly #sealer: FrameSealer;

  constructor(sealer: FrameSealer) {
    super();
    this.#sealer = sealer;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#run((out) => this.#sealer.update(chunk, out), callback);
  }

  override _flush(callback: TransformCallback): void {
    this.#run((out) => this.#sealer.finish(out), callback);
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    this.#sealer.dispose(); // don't leave the data key lying around in our heap
    callback(err);
  }

  #run(step: (out: Buffer[]) => void, callback: TransformCallback): void {
    const out: Buffer[] = [];
    try {
      step(out);
    } catch (err) {
      callback(err as Error);
      return;
    }
    for (const piece of out) this.push(piece);
    callback();
  }
}

/**
 * Starts encrypting one blob: a fresh random data key (wrapped by the ring's active key) and a fresh
 * nonce prefix. Store `keyInfo` with the blob's metadata; pipe the plaintext through `stream`.
 */
export function createEncryptor(opts: { ring: KeyRing; blobId: string }): { keyInfo: BlobKeyInfo; stream: Transform } {
  // A piping writer may reuse a chunk once its write is acknowledged: the sealer copies what it holds.
  const { keyInfo, sealer } = openSealer({ ...opts, borrowInput: false });
  return { keyInfo, stream: new FrameEncryptor(sealer) };
}
