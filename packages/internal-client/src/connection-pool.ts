import diagnostics from 'node:diagnostics_channel';
import net from 'node:net';
import type { Readable } from 'node:stream';
import { ChunkedBodySender, type ChunkedBodyOwner } from './chunked-body';
import { ResponseBody, type BodySource } from './response-body';
import { ResponseParser, type ParsedHead, type ParserEvents } from './response-parser';

/**
 * A lean keep-alive HTTP/1.1 client for calls between our own services: request heads written
 * by hand and sent with the body in one corked write, responses parsed in place, no Agent, no
 * ClientRequest, no AbortSignal. node:http cost the gateway ~20 % of its CPU per small request.
 */

/** Published per call once its response head (or failure) arrives: `{ peer: "host:port", outcome, seconds }`. */
export const INTERNAL_CALL_CHANNEL = diagnostics.channel('excloud:internal-client:call');

export interface WireRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  /** A body sent whole with its Content-Length. */
  body?: Buffer;
  /** A body streamed chunked, with backpressure; its error or premature close fails the call. */
  stream?: Readable;
  /** A 2xx body is handed out as a stream instead of being collected. */
  streamResponse?: boolean;
  /** 0: unbounded. */
  timeoutMs: number;
  /** Cuts the call; it then rejects with a WireError of kind 'aborted'. */
  signal?: AbortSignal;
}

export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  /** The collected body (unless a 2xx was streamed). */
  body?: Buffer;
  stream?: ResponseBody;
}

/** Why a call failed without an answer: the caller maps these to its own errors. */
export class WireError extends Error {
  constructor(
    message: string,
    readonly kind: 'unreachable' | 'timeout' | 'body' | 'aborted',
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}

/** Connections idle longer than this are not reused (servers close idle keep-alive connections; Node's default is 5 s). */
const IDLE_REUSE_MS = 4_000;
const IDEMPOTENT = new Set(['GET', 'HEAD', 'DELETE']);

export class ConnectionPool {
  readonly hostHeader: string;
  private readonly idle: Connection[] = [];
  private readonly queue: Exchange[] = [];
  private open = 0;

  constructor(
    readonly host: string,
    readonly port: number,
    private readonly maxConnections = 256,
  ) {
    this.hostHeader = `${host}:${port}`;
  }

  request(req: WireRequest): Promise<WireResponse> {
    return new Promise<WireResponse>((resolve, reject) => {
      const ex = new Exchange(this, req, resolve, reject);
      this.dispatch(ex);
    });
  }

  /** @internal */
  dispatch(ex: Exchange): void {
    const now = performance.now();
    while (this.idle.length) {
      const conn = this.idle.pop()!;
      if (!conn.closed && now - conn.idleSince < IDLE_REUSE_MS) return ex.start(conn);
      conn.destroy();
    }
    if (this.open < this.maxConnections) {
      this.open++;
      return ex.start(new Connection(this));
    }
    this.queue.push(ex);
  }

  /** @internal A connection whose exchange completed cleanly. */
  release(conn: Connection): void {
    const next = this.queue.shift();
    if (next) return next.start(conn);
    conn.idleSince = performance.now();
    this.idle.push(conn);
  }

  /** @internal */
  closed(conn: Connection): void {
    this.open--;
    const i = this.idle.indexOf(conn);
    if (i >= 0) this.idle.splice(i, 1);
    const next = this.queue.shift();
    if (next) this.dispatch(next);
  }

  /** @internal A queued exchange that failed (timed out) before it got a connection. */
  unqueue(ex: Exchange): void {
    const i = this.queue.indexOf(ex);
    if (i >= 0) this.queue.splice(i, 1);
  }
}

class Connection {
  readonly socket: net.Socket;
  closed = false;
  used = false;
  idleSince = 0;
  current?: Exchange;

  constructor(private readonly pool: ConnectionPool) {
    this.socket = net.connect({ host: pool.host, port: pool.port, noDelay: true });
    this.socket.setKeepAlive(true, 10_000);
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.socket.on('drain', () => this.current?.onDrain());
    this.socket.on('error', (err) => this.onClosed(err));
    this.socket.on('end', () => this.onClosed());
    this.socket.on('close', () => this.onClosed());
  }

  destroy(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    const ex = this.current;
    if (!ex) return this.destroy(); // bytes nobody asked for: out of step, never reuse
    ex.onData(chunk);
  }

  private onClosed(err?: Error): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.destroy();
    const ex = this.current;
    this.current = undefined;
    ex?.onConnectionClosed(err);
    this.pool.closed(this);
  }
}

class Exchange implements ParserEvents, BodySource, ChunkedBodyOwner {
  private conn?: Connection;
  private parser: ResponseParser;
  private head?: ParsedHead;
  private chunks: Buffer[] = [];
  private body?: ResponseBody;
  private settled = false;
  private done = false;
  private requestWritten = false;
  private seen = 0;
  private reused = false;
  private retried = false;
  private timer?: NodeJS.Timeout;
  private started?: bigint;
  // Only for the calls that stream a body: a plain JSON call allocates no listener.
  private sender?: ChunkedBodySender;
  private abortListener?: () => void;

  constructor(
    private readonly pool: ConnectionPool,
    private readonly req: WireRequest,
    private readonly resolve: (res: WireResponse) => void,
    private readonly reject: (err: Error) => void,
  ) {
    this.parser = new ResponseParser(this, req.method === 'HEAD');
    if (req.timeoutMs > 0) this.timer = setTimeout(onTimeout, req.timeoutMs, this).unref();
    if (INTERNAL_CALL_CHANNEL.hasSubscribers) this.started = process.hrtime.bigint();
    if (req.stream) this.sender = new ChunkedBodySender(req.stream, this);
    if (req.signal) {
      this.abortListener = () => this.fail(new WireError('internal call aborted', 'aborted'));
      req.signal.addEventListener('abort', this.abortListener, { once: true });
    }
  }

  start(conn: Connection): void {
    if (this.settled) return this.pool.release(conn);
    this.conn = conn;
    this.reused = conn.used;
    conn.used = true;
    conn.current = this;
    const { req } = this;
    let head = `${req.method} ${req.path} HTTP/1.1\r\nhost: ${this.pool.hostHeader}\r\n`;
    let unsafe = unsafeText(req.path);
    for (const name in req.headers) {
      const value = req.headers[name]!;
      unsafe ||= unsafeText(value);
      head += `${name}: ${value}\r\n`;
    }
    // Values come from our own code, but a CR or LF would split the request: refuse it like node:http.
    if (unsafe) return this.fail(new TypeError('invalid character in an internal request path or header'));
    head += req.stream ? 'transfer-encoding: chunked\r\n\r\n' : `content-length: ${req.body?.length ?? 0}\r\n\r\n`;
    const socket = conn.socket;
    socket.cork();
    socket.write(head, 'latin1');
    if (req.body?.length) socket.write(req.body);
    socket.uncork();
    if (this.sender) this.sender.resume();
    else this.requestWritten = true;
  }

  onData(chunk: Buffer): void {
    this.seen += chunk.length;
    try {
      const used = this.parser.push(chunk);
      if (used < chunk.length) throw new Error('server sent bytes after the response');
    } catch (err) {
      this.conn?.destroy();
      this.fail(new WireError(`internal response unreadable: ${(err as Error).message}`, 'unreachable', err));
    }
  }

  onDrain(): void {
    if (!this.done) this.sender?.resume();
  }

  onConnectionClosed(err?: Error): void {
    if (this.done) return;
    try {
      this.parser.end();
    } catch (e) {
      // A reused keep-alive connection the server closed before reading our request: safe to
      // send again on a fresh one when the method is idempotent and the body is not a stream.
      if (this.reused && !this.retried && this.seen === 0 && !this.req.stream && IDEMPOTENT.has(this.req.method) && !this.settled) {
        this.retried = true;
        this.conn = undefined;
        this.parser = new ResponseParser(this, this.req.method === 'HEAD');
        this.pool.dispatch(this);
        return;
      }
      this.fail(new WireError(`internal service unavailable: ${(err ?? (e as Error)).message}`, 'unreachable', err));
    }
  }

  onHead(head: ParsedHead): void {
    this.head = head;
    this.publish(`${String(head.status)[0]}xx`);
    if (head.status >= 200 && head.status < 300 && this.req.streamResponse && this.req.method !== 'HEAD') {
      this.body = new ResponseBody(this, head);
      this.settle();
      this.resolve({ status: head.status, headers: head.headers, stream: this.body });
    }
  }

  onBody(chunk: Buffer): void {
    if (!this.body) this.chunks.push(chunk);
    else if (!this.body.push(chunk)) this.conn?.socket.pause();
  }

  onComplete(): void {
    this.done = true;
    const conn = this.conn!;
    conn.current = undefined;
    // A connection whose request body is still being sent (the server answered early) is out of step.
    if (this.head!.close || !this.requestWritten) conn.destroy();
    else {
      // The chunk that ended the body may also have filled the reader's buffer and paused the
      // socket; the next exchange on it would never hear its answer.
      conn.socket.resume();
      this.pool.release(conn);
    }
    this.sender?.detach();
    if (this.body) {
      this.body.push(null);
      return;
    }
    if (this.settled) return;
    this.settle();
    const body = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
    this.resolve({ status: this.head!.status, headers: this.head!.headers, body });
  }

  /** The response stream's consumer is reading again. */
  resumeBody(): void {
    if (!this.done) this.conn?.socket.resume();
  }

  /** The response stream was destroyed: a connection in the middle of a body cannot be reused. */
  abandonBody(): void {
    if (this.done) return;
    this.done = true;
    if (this.conn) {
      this.conn.current = undefined;
      this.conn.destroy();
    }
  }

  fail(err: Error): void {
    if (this.done && !this.body) return;
    const wasDone = this.done;
    this.done = true;
    this.sender?.detach();
    if (this.conn && !wasDone) {
      this.conn.current = undefined;
      this.conn.destroy();
    } else if (!this.conn) this.pool.unqueue(this);
    if (!this.head) this.publish('error');
    if (this.body) {
      if (!wasDone) this.body.destroy(err);
      return;
    }
    if (this.settled) return;
    this.settle();
    this.reject(err);
  }

  private settle(): void {
    this.settled = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.abortListener) this.req.signal!.removeEventListener('abort', this.abortListener);
  }

  private publish(outcome: string): void {
    if (this.started === undefined) return;
    INTERNAL_CALL_CHANNEL.publish({ peer: this.pool.hostHeader, outcome, seconds: Number(process.hrtime.bigint() - this.started) / 1e9 });
    this.started = undefined;
  }

  bodySocket(): net.Socket | undefined {
    return this.done ? undefined : this.conn?.socket;
  }

  bodyFailed(message: string, cause?: Error): void {
    this.fail(new WireError(message, 'body', cause));
  }

  bodyWritten(): void {
    this.requestWritten = true;
  }
}

function unsafeText(s: string): boolean {
  return s.indexOf('\r') >= 0 || s.indexOf('\n') >= 0;
}

function onTimeout(ex: Exchange): void {
  ex.fail(new WireError('internal call timed out', 'timeout'));
}
