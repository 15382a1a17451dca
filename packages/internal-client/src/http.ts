import http from 'node:http';
import type { Readable } from 'node:stream';
import { S3Error } from '@excloud/s3-protocol';

/**
 * Internal calls are HTTP with keep-alive. Errors come back as the same typed S3Error the
 * callee threw; a callee that cannot be reached becomes ServiceUnavailable (503, retryable).
 */
const agent = new http.Agent({ keepAlive: true, maxSockets: 256, keepAliveMsecs: 10_000 });

export interface CallOptions {
  method: string;
  path: string;
  token?: string;
  requestId?: string;
  headers?: Record<string, string>;
  /** JSON body, or a stream piped as the body. */
  json?: unknown;
  stream?: Readable;
  signal?: AbortSignal;
}

/** A JSON call that takes longer than this has a stuck peer: fail it as retryable (503). */
export const DEFAULT_CALL_TIMEOUT_MS = 30_000;

export class InternalClient {
  private readonly url: URL;
  constructor(
    baseUrl: string,
    private readonly callTimeoutMs = DEFAULT_CALL_TIMEOUT_MS,
  ) {
    this.url = new URL(baseUrl);
  }

  /** Resolves with the response once headers arrive; non-2xx responses are thrown as S3Error. */
  async raw(opts: CallOptions): Promise<http.IncomingMessage> {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (opts.requestId) headers['x-request-id'] = opts.requestId;
    let payload: Buffer | undefined;
    if (opts.json !== undefined) {
      payload = Buffer.from(JSON.stringify(opts.json));
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(payload.length);
    }
    const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = http.request(
        { host: this.url.hostname, port: this.url.port, path: opts.path, method: opts.method, headers, agent, signal: opts.signal },
        resolve,
      );
      req.on('error', (err) => reject(unreachable(err)));
      if (opts.stream) {
        opts.stream.on('error', (err) => req.destroy(err));
        opts.stream.pipe(req);
      } else req.end(payload);
    });
    if (res.statusCode! >= 200 && res.statusCode! < 300) return res;
    const text = await readAll(res);
    let body: unknown;
    try {
      body = JSON.parse(text.toString('utf8'));
    } catch {
      body = undefined;
    }
    throw S3Error.fromWire(body, res.statusCode!);
  }

  /** Calls without a streamed body are bounded in time; streamed ones last as long as their body. */
  async json<T>(opts: CallOptions): Promise<T> {
    const bounded = opts.stream === undefined && opts.signal === undefined;
    const signal = bounded ? AbortSignal.timeout(this.callTimeoutMs) : opts.signal;
    try {
      const res = await this.raw({ ...opts, signal });
      const text = await readAll(res);
      return (text.length ? JSON.parse(text.toString('utf8')) : undefined) as T;
    } catch (err) {
      if (bounded && signal?.aborted) throw new S3Error('ServiceUnavailable', `internal call ${opts.method} ${opts.path.split('?')[0]} timed out`);
      throw err;
    }
  }
}

function unreachable(err: Error): Error {
  if ((err as { name?: string }).name === 'AbortError') return err;
  if (err instanceof S3Error) return err;
  return new S3Error('ServiceUnavailable', `internal service unavailable: ${err.message}`);
}

export async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks);
}
