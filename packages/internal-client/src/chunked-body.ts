import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';

/** What a streamed request body needs from the call it belongs to. */
export interface ChunkedBodyOwner {
  /** The socket to write to; undefined before the call has one and once it is over. */
  bodySocket(): Socket | undefined;
  /** The body failed or closed before it ended. */
  bodyFailed(message: string, cause?: Error): void;
  /** The last chunk and the terminator are written. */
  bodyWritten(): void;
}

/**
 * A request body streamed in HTTP chunked framing, paused while the socket is full. Chunks that
 * arrive in one turn of the event loop (a socket read gives at most 64 KiB, and one readable event
 * often gives several) go out as one HTTP chunk in one writev: fewer syscalls here and fewer
 * wake-ups of the receiving service.
 */
export class ChunkedBodySender {
  #batch: Buffer[] = [];
  #batched = 0;
  #written = false;
  readonly #listeners: { data(chunk: Buffer | string): void; end(): void; error(err: Error): void; close(): void };

  constructor(
    private readonly stream: Readable,
    private readonly owner: ChunkedBodyOwner,
  ) {
    stream.pause();
    const l = (this.#listeners = {
      data: (chunk: Buffer | string) => this.#onData(chunk),
      end: () => this.#onEnd(),
      error: (err: Error) => owner.bodyFailed(`request body failed: ${err.message}`, err),
      close: () => {
        if (!this.#written) owner.bodyFailed('request body closed before it ended');
      },
    });
    stream.on('data', l.data);
    stream.on('end', l.end);
    stream.on('error', l.error);
    stream.on('close', l.close);
  }

  /** The head is written (or the socket drained): let the body flow until the socket is full. */
  resume(): void {
    if (!this.#written) this.stream.resume();
  }

  detach(): void {
    const l = this.#listeners;
    this.stream.off('data', l.data);
    this.stream.off('end', l.end);
    this.stream.off('error', l.error);
    this.stream.off('close', l.close);
  }

  /** Writes the chunks gathered this turn; pauses the body while the socket is full. */
  flush(): void {
    const batch = this.#batch;
    if (batch.length === 0) return;
    this.#batch = [];
    const size = this.#batched;
    this.#batched = 0;
    const socket = this.owner.bodySocket();
    if (!socket) return;
    socket.cork();
    socket.write(`${size.toString(16)}\r\n`, 'latin1');
    for (const buf of batch) socket.write(buf);
    const ok = socket.write('\r\n', 'latin1');
    socket.uncork();
    if (!ok) this.stream.pause();
  }

  #onData(chunk: Buffer | string): void {
    if (!this.owner.bodySocket()) return;
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (buf.length === 0) return;
    if (this.#batch.length === 0) setImmediate(flushSender, this);
    this.#batch.push(buf);
    this.#batched += buf.length;
  }

  #onEnd(): void {
    const socket = this.owner.bodySocket();
    if (!socket) return;
    this.flush();
    this.#written = true;
    this.owner.bodyWritten();
    socket.write('0\r\n\r\n', 'latin1');
  }
}

function flushSender(sender: ChunkedBodySender): void {
  sender.flush();
}
