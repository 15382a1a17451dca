import net from 'node:net';
import { ResponseParser, type ParsedHead } from '@excloud/internal-client';

/**
 * The generator's HTTP/1.1 client: keep-alive connections reused LIFO, request heads written by
 * hand, and responses read with `onread` into one fixed buffer per connection and parsed in
 * place. Node's http module costs ~1.7 ms of CPU per MiB received on this kind of machine; this
 * costs ~0.4 ms including the body check, so on two shared cores the client is not what limits
 * a 64 MiB GET (nginx's included).
 */
export interface HttpRequest {
  method: string;
  /** Path plus query string, as it goes on the wire. */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** Receives each body chunk of a 2xx answer (a view, valid during the call); without it, the body is collected. */
  sink?: (chunk: Buffer) => void;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  /** The collected body (empty when a sink consumed it). */
  body: Buffer;
  /** Body bytes received. */
  length: number;
}

/** A non-2xx answer, with the S3 error code when the body carried one. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    detail: string,
  ) {
    super(`HTTP ${status}${code ? ` ${code}` : ''}${detail ? `: ${detail}` : ''}`);
  }
}

const READ_BUFFER = 256 * 1024;
const MAX_COLLECT = 4 * 1024 * 1024;

interface Exchange {
  parser: ResponseParser;
  /** Response bytes seen: a failure before the first one on a reused connection is retried. */
  seen: number;
  fail(err: Error): void;
}

class Connection {
  readonly socket: net.Socket;
  closed = false;
  used = false;
  current?: Exchange;

  constructor(host: string, port: number, onClose: (c: Connection) => void) {
    const buffer = Buffer.allocUnsafe(READ_BUFFER);
    this.socket = net.connect({
      host,
      port,
      noDelay: true,
      onread: {
        buffer,
        callback: (nread: number, buf: Buffer) => {
          this.onData(buf.subarray(0, nread));
          return true;
        },
      },
    } as net.NetConnectOpts);
    this.socket.setKeepAlive(true, 10_000);
    const closed = (err?: Error) => {
      if (this.closed) return;
      this.closed = true;
      const ex = this.current;
      this.current = undefined;
      if (ex) {
        try {
          ex.parser.end(); // completes an until-close body
        } catch (e) {
          ex.fail(err ?? (e as Error));
        }
      }
      onClose(this);
    };
    this.socket.on('error', closed);
    this.socket.on('end', () => closed());
    this.socket.on('close', () => closed());
  }

  destroy(err?: Error): void {
    this.socket.destroy(err);
  }

  private onData(chunk: Buffer): void {
    const ex = this.current;
    if (!ex) {
      // Bytes nobody asked for: the connection is out of step; never reuse it.
      this.destroy();
      return;
    }
    ex.seen += chunk.length;
    try {
      const used = ex.parser.push(chunk);
      if (used < chunk.length) throw new Error('server sent bytes after the response');
    } catch (err) {
      this.current = undefined;
      ex.fail(err as Error);
      this.destroy();
    }
  }
}

export class HttpClient {
  readonly hostHeader: string;
  private readonly idle: Connection[] = [];
  private readonly all = new Set<Connection>();

  constructor(
    readonly host: string,
    readonly port: number,
  ) {
    this.hostHeader = `${host}:${port}`;
  }

  async request(r: HttpRequest): Promise<HttpResponse> {
    const conn = this.acquire();
    try {
      return await this.exchange(conn, r);
    } catch (err) {
      // A keep-alive connection the server closed while idle fails before any byte comes back;
      // that request never reached the server, so one retry on a fresh connection is safe.
      if ((err as { retryable?: boolean }).retryable && !r.signal?.aborted) return this.exchange(this.acquire(true), r);
      throw err;
    }
  }

  close(): void {
    for (const c of this.all) c.destroy();
    this.all.clear();
    this.idle.length = 0;
  }

  private acquire(fresh = false): Connection {
    while (!fresh && this.idle.length) {
      const c = this.idle.pop()!;
      if (!c.closed) return c;
    }
    const c = new Connection(this.host, this.port, (gone) => this.all.delete(gone));
    this.all.add(c);
    return c;
  }

  private exchange(conn: Connection, r: HttpRequest): Promise<HttpResponse> {
    return new Promise<HttpResponse>((resolve, reject) => {
      const reused = conn.used;
      conn.used = true;
      let head: ParsedHead | undefined;
      let ok = false;
      let length = 0;
      const chunks: Buffer[] = [];
      let settled = false;
      const onAbort = () => {
        fail(r.signal!.reason instanceof Error ? r.signal!.reason : new Error('aborted'));
        conn.destroy();
      };
      const settle = () => {
        settled = true;
        r.signal?.removeEventListener('abort', onAbort);
        conn.current = undefined;
      };
      const fail = (err: Error) => {
        if (settled) return;
        settle();
        if (reused && ex.seen === 0) (err as Error & { retryable?: boolean }).retryable = true;
        reject(err);
      };
      const ex: Exchange = {
        seen: 0,
        fail,
        parser: new ResponseParser(
          {
            onHead: (h) => {
              head = h;
              ok = h.status >= 200 && h.status < 300;
            },
            onBody: (chunk) => {
              length += chunk.length;
              if (ok && r.sink) r.sink(chunk);
              else if (length <= MAX_COLLECT) chunks.push(Buffer.from(chunk)); // the read buffer is reused: copy
            },
            onComplete: () => {
              if (settled) return;
              settle();
              // Back in the pool before the caller's continuation runs (promise callbacks wait
              // for this read callback to return), so a closed loop reuses its connection.
              if (head!.close) conn.destroy();
              else this.release(conn);
              const body = Buffer.concat(chunks);
              if (ok) resolve({ status: head!.status, headers: head!.headers, body, length });
              else reject(errorFrom(head!.status, body));
            },
          },
          r.method === 'HEAD',
        ),
      };
      if (conn.closed) return fail(Object.assign(new Error('connection closed'), { retryable: true }));
      if (r.signal?.aborted) return onAbort();
      r.signal?.addEventListener('abort', onAbort, { once: true });
      conn.current = ex;
      let text = `${r.method} ${r.path} HTTP/1.1\r\n`;
      for (const [k, v] of Object.entries(r.headers)) if (k !== 'content-length') text += `${k}: ${v}\r\n`;
      if (r.body || r.method === 'PUT' || r.method === 'POST') text += `content-length: ${r.body?.length ?? 0}\r\n`;
      text += '\r\n';
      conn.socket.cork();
      conn.socket.write(text, 'latin1');
      if (r.body?.length) conn.socket.write(r.body);
      conn.socket.uncork();
    });
  }

  private release(conn: Connection): void {
    if (!conn.closed) this.idle.push(conn);
  }
}

function errorFrom(status: number, body: Buffer): HttpError {
  const text = body.toString('utf8');
  // S3 answers XML; internal services answer JSON; nginx answers HTML.
  const code = /<Code>([^<]+)<\/Code>/.exec(text)?.[1] ?? /"code"\s*:\s*"([^"]+)"/.exec(text)?.[1];
  const message = /<Message>([^<]*)<\/Message>/.exec(text)?.[1] ?? (code ? '' : text.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 120));
  return new HttpError(status, code, message);
}
