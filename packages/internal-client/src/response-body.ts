import { Readable } from 'node:stream';
import type { ParsedHead } from './response-parser';

const RESPONSE_HIGH_WATER = 256 * 1024;

/** The exchange a streamed body belongs to. */
export interface BodySource {
  /** The consumer reads again: resume the paused connection. */
  resumeBody(): void;
  /** The consumer gave up before the end: the connection cannot be reused. */
  abandonBody(): void;
}

/** A 2xx response body, read with backpressure straight off the connection. */
export class ResponseBody extends Readable {
  readonly statusCode: number;
  readonly headers: Record<string, string>;

  constructor(
    private readonly source: BodySource,
    head: ParsedHead,
  ) {
    super({ highWaterMark: RESPONSE_HIGH_WATER });
    this.statusCode = head.status;
    this.headers = head.headers;
  }

  override _read(): void {
    this.source.resumeBody();
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    this.source.abandonBody();
    cb(err);
  }
}
