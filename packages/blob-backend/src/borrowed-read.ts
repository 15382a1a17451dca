import type { FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { BufferPool } from './buffer-pool';

/** 512 KiB reads: 16x fewer syscalls and stream events than the 64 KiB default, still bounded memory. */
export const BORROWED_READ_SIZE = 512 * 1024;
const readBuffers = new BufferPool(BORROWED_READ_SIZE, 16);

/**
 * A file's bytes [start, end) as views into two pooled read buffers, filled in turn: for readers
 * that asked to borrow (see BlobBackend.get). A fresh 512 KiB buffer per read, as createReadStream
 * allocates, cost page faults and full collections: A/B on a 1 MiB GET at c8 (Node 24, three rounds),
 * blob CPU 1.49–1.56 → 1.13–1.19 ms, throughput +15 %.
 *
 * Why two buffers suffice: with highWaterMark 0 the stream asks for the next read only once the
 * previous chunk left its queue, so the read that refills a buffer starts after the chunk before
 * the current one was taken, and a borrowing reader is done with a chunk before it takes the next.
 * A buffer goes back to the pool only after its last read settled.
 */
export class BorrowedFileStream extends Readable {
  readonly #fh: FileHandle;
  readonly #end: number;
  readonly #buffers: [Buffer, Buffer] = [readBuffers.take(), readBuffers.take()];
  #position: number;
  #turn = 0;
  #reading: Promise<unknown> | undefined;

  /** Takes ownership of `fh` (closed when the stream is). `end` is exclusive. */
  constructor(fh: FileHandle, start: number, end: number) {
    super({ highWaterMark: 0 });
    this.#fh = fh;
    this.#position = start;
    this.#end = end;
  }

  override _read(): void {
    if (this.#position >= this.#end) {
      this.push(null);
      return;
    }
    const buf = this.#buffers[this.#turn]!;
    this.#turn ^= 1;
    const reading = this.#fh.read(buf, 0, Math.min(buf.length, this.#end - this.#position), this.#position);
    this.#reading = reading;
    reading.then(
      ({ bytesRead }) => {
        this.#reading = undefined;
        if (this.destroyed) return;
        // A file shorter than the range ends early, as createReadStream does; the reader checks the length.
        if (bytesRead === 0) {
          this.push(null);
          return;
        }
        this.#position += bytesRead;
        this.push(buf.subarray(0, bytesRead));
      },
      (err: Error) => {
        this.#reading = undefined;
        this.destroy(err);
      },
    );
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    const settled = (this.#reading ?? Promise.resolve()).catch(() => undefined);
    void settled
      .then(() => {
        for (const buf of this.#buffers) readBuffers.give(buf);
        return this.#fh.close();
      })
      .then(
        () => cb(err),
        (closeErr: Error) => cb(err ?? closeErr),
      );
  }
}
