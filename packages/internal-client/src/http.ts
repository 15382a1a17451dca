import type { Readable } from 'node:stream';
import { S3Error } from '@excloud/s3-protocol';
import { ConnectionPool, WireError, type WireResponse } from './connection-pool';
import type { ResponseBody } from './response-body';

/**
 * Internal calls are HTTP/1.1 with keep-alive (our own lean client, see connection-pool.ts).
 * Errors come back as the same typed S3Error the callee threw; a callee that cannot be reached
 * becomes ServiceUnavailable (503, retryable).
 */
export interface CallOptions {
  method: string;
  path: string;
  token?: string;
  requestId?: string;
  headers?: Record<string, string>;
  /** JSON body, a buffer sent whole, or a stream sent chunked with backpressure. */
  json?: unknown;
  body?: Buffer;
  stream?: Readable;
  /** Aborts the call (the upstream request is cut); the call then rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** A streamed 2xx response body, with its status and (lower-case) headers. */
export type InternalResponse = Readable & Pick<ResponseBody, 'statusCode' | 'headers'>;

/** A JSON call that takes longer than this has a stuck peer: fail it as retryable (503). */
export const DEFAULT_CALL_TIMEOUT_MS = 30_000;

/** One pool per peer, shared by every client of that peer in the process (as the global Agent was). */
const pools = new Map<string, ConnectionPool>();

function poolFor(baseUrl: string): ConnectionPool {
  const url = new URL(baseUrl);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = Number(url.port || 80);
  const key = `${host}:${port}`;
  let pool = pools.get(key);
  if (!pool) pools.set(key, (pool = new ConnectionPool(host, port)));
  return pool;
}

export class InternalClient {
  private readonly pool: ConnectionPool;
  constructor(
    baseUrl: string,
    private readonly callTimeoutMs = DEFAULT_CALL_TIMEOUT_MS,
  ) {
    this.pool = poolFor(baseUrl);
  }

  /** Resolves with the streamed body once a 2xx head arrives; non-2xx responses are thrown as S3Error. */
  async raw(opts: CallOptions): Promise<InternalResponse> {
    const res = await this.send(opts, 0, true);
    if (res.stream) return res.stream;
    throw errorFrom(res);
  }

  /** Calls without a streamed body are bounded in time; streamed ones last as long as their body. */
  async json<T>(opts: CallOptions): Promise<T> {
    const bounded = opts.stream === undefined && opts.signal === undefined;
    const res = await this.send(opts, bounded ? this.callTimeoutMs : 0, false);
    if (res.status < 200 || res.status >= 300) throw errorFrom(res);
    return (res.body!.length ? JSON.parse(res.body!.toString('utf8')) : undefined) as T;
  }

  private async send(opts: CallOptions, timeoutMs: number, streamResponse: boolean): Promise<WireResponse> {
    const headers: Record<string, string> = opts.headers ? { ...opts.headers } : {};
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (opts.requestId) headers['x-request-id'] = opts.requestId;
    let body = opts.body;
    if (opts.json !== undefined) {
      body = Buffer.from(JSON.stringify(opts.json));
      headers['content-type'] = 'application/json';
    }
    const signal = opts.signal;
    if (signal?.aborted) throw signal.reason;
    const call = this.pool.request({ method: opts.method, path: opts.path, headers, body, stream: opts.stream, streamResponse, timeoutMs, signal });
    try {
      return await call;
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      if (!(err instanceof WireError)) throw err;
      if (err.kind === 'timeout') throw new S3Error('ServiceUnavailable', `internal call ${opts.method} ${opts.path.split('?')[0]} timed out`);
      if (err.kind === 'body') throw err.cause ?? err;
      throw new S3Error('ServiceUnavailable', err.message);
    }
  }
}

function errorFrom(res: WireResponse): S3Error {
  let body: unknown;
  try {
    body = JSON.parse(res.body!.toString('utf8'));
  } catch {
    body = undefined;
  }
  return S3Error.fromWire(body, res.status);
}

export async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks);
}
