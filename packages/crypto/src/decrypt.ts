import { Transform, type TransformCallback } from 'node:stream';
import { openBlob, type FrameOpener, type OpenBlobOptions } from './open';

/** FrameOpener as a Transform, for callers that pipe: errors instead of ever emitting unauthenticated bytes. */
class FrameDecryptor extends Transform {
  readonly #opener: FrameOpener;

  constructor(opener: FrameOpener) {
    super();
    this.#opener = opener;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const out: Buffer[] = [];
    try {
      this.#opener.update(chunk, out);
    } catch (err) {
      callback(err as Error);
      return;
    }
    for (const piece of out) this.push(piece);
    callback();
  }

  override _flush(callback: TransformCallback): void {
    try {
      this.#opener.finish();
    } catch (err) {
      callback(err as Error);
      return;
    }
    callback();
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    this.#opener.dispose();
    callback(err);
  }
}

/**
 * Decrypts stored frames starting at `firstFrame` (use frameRangeFor for ranges; 0 for the whole
 * blob) and emits plaintext bytes [skip, skip + take) relative to the start of that frame.
 *
 * Key problems are reported synchronously, before any byte flows (so a server can still answer
 * with an error status): KeyRingError for an unknown key id, DecryptionError for a wrapped key or
 * nonce prefix that doesn't check out. Frame problems surface as a DecryptionError on the stream.
 */
export function createDecryptor(opts: OpenBlobOptions): Transform {
  return new FrameDecryptor(openBlob(opts));
}
