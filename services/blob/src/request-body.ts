import type { IncomingMessage } from 'node:http';
import { S3Error } from '@excloud/s3-protocol';

const ignore = (): void => undefined;

/**
 * A request body, chunk by chunk, for code that pulls (the PUT route's body generator), with
 * backpressure: the request is paused while `highWater` bytes wait unread. Unlike pipe() or the
 * stream's async iterator it never destroys the request: a refused upload is drained (detach) so
 * the caller still receives our error response instead of a reset connection.
 */
export class RequestBodyReader {
  readonly #req: IncomingMessage;
  readonly #highWater: number;
  readonly #queue: Buffer[] = [];
  #queued = 0;
  #paused = false;
  #ended = false;
  #failure: S3Error | undefined;
  #wake: (() => void) | undefined;

  constructor(req: IncomingMessage, highWater = 64 * 1024) {
    this.#req = req;
    this.#highWater = highWater;
    req.on('data', this.#onData);
    req.on('end', this.#onEnd);
    req.on('error', this.#onError);
    req.on('close', this.#onClose);
  }

  /**
   * The next chunk; null once the body ended; undefined when nothing has arrived yet (await
   * wait()). Throws IncompleteBody when the request broke off.
   */
  take(): Buffer | null | undefined {
    if (this.#failure) throw this.#failure;
    const chunk = this.#queue.shift();
    if (chunk === undefined) return this.#ended ? null : undefined;
    this.#queued -= chunk.length;
    if (this.#paused && this.#queued < this.#highWater) {
      this.#paused = false;
      this.#req.resume();
    }
    return chunk;
  }

  /** Resolves when take() has something new to say. */
  wait(): Promise<void> {
    return new Promise((resolve) => {
      this.#wake = resolve;
    });
  }

  /** Stops listening; whatever the caller did not read is discarded so the response can still go out. */
  detach(): void {
    const req = this.#req;
    req.off('data', this.#onData);
    req.off('end', this.#onEnd);
    req.off('error', this.#onError);
    req.off('close', this.#onClose);
    req.on('error', ignore); // a reset while draining is nobody's problem any more
    this.#queue.length = 0;
    if (!req.readableEnded) req.resume();
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  readonly #onData = (chunk: Buffer): void => {
    this.#queue.push(chunk);
    this.#queued += chunk.length;
    if (this.#queued >= this.#highWater && !this.#paused) {
      this.#paused = true;
      this.#req.pause();
    }
    this.#notify();
  };

  readonly #onEnd = (): void => {
    this.#ended = true;
    this.#notify();
  };

  readonly #onError = (err: Error): void => {
    this.#failure ??= new S3Error('IncompleteBody', `request body failed: ${err.message}`);
    this.#notify();
  };

  readonly #onClose = (): void => {
    if (this.#req.readableEnded) return;
    this.#failure ??= new S3Error('IncompleteBody', 'request aborted before the body ended');
    this.#notify();
  };
}
