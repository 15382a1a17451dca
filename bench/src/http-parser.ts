/**
 * Incremental HTTP/1.1 response parser (status line, headers, Content-Length / chunked /
 * until-close bodies). Body bytes are handed out as views of the caller's read buffer, never
 * copied: the receive path of a 64 MiB GET is one memcmp per chunk and nothing else.
 */
export interface ParsedHead {
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** The server will close the connection after this response. */
  close: boolean;
}

export interface ParserEvents {
  onHead(head: ParsedHead): void;
  /** A view into the read buffer: valid only during the call. */
  onBody(chunk: Buffer): void;
  onComplete(): void;
}

const MAX_HEAD = 64 * 1024;
const CRLFCRLF = Buffer.from('\r\n\r\n');

type State = 'head' | 'length' | 'chunk-size' | 'chunk-data' | 'chunk-crlf' | 'trailers' | 'until-close' | 'done';

export class ResponseParser {
  private state: State = 'head';
  private head = Buffer.alloc(0);
  private remaining = 0;
  private line = '';

  constructor(
    private readonly events: ParserEvents,
    /** HEAD responses carry Content-Length but no body. */
    private readonly noBody = false,
  ) {}

  get complete(): boolean {
    return this.state === 'done';
  }

  /** True when the body runs until the connection closes (no length, not chunked). */
  get readsUntilClose(): boolean {
    return this.state === 'until-close';
  }

  /** Feeds bytes; returns how many were consumed (less than given only once the message is complete). */
  push(buf: Buffer): number {
    let off = 0;
    while (off < buf.length && this.state !== 'done') {
      switch (this.state) {
        case 'head':
          off = this.readHead(buf, off);
          break;
        case 'length': {
          const n = Math.min(this.remaining, buf.length - off);
          this.events.onBody(buf.subarray(off, off + n));
          off += n;
          this.remaining -= n;
          if (this.remaining === 0) this.finish();
          break;
        }
        case 'until-close':
          this.events.onBody(buf.subarray(off));
          off = buf.length;
          break;
        case 'chunk-size':
        case 'trailers': {
          const nl = buf.indexOf(10, off);
          const end = nl < 0 ? buf.length : nl + 1;
          this.line += buf.toString('latin1', off, end);
          off = end;
          if (this.line.length > MAX_HEAD) throw new Error('HTTP chunk line too long');
          if (nl >= 0) this.endLine();
          break;
        }
        case 'chunk-data': {
          const n = Math.min(this.remaining, buf.length - off);
          this.events.onBody(buf.subarray(off, off + n));
          off += n;
          this.remaining -= n;
          if (this.remaining === 0) {
            this.state = 'chunk-crlf';
            this.remaining = 2;
          }
          break;
        }
        case 'chunk-crlf': {
          const n = Math.min(this.remaining, buf.length - off);
          off += n;
          this.remaining -= n;
          if (this.remaining === 0) this.state = 'chunk-size';
          break;
        }
      }
    }
    return off;
  }

  /** The connection closed: completes an until-close body, otherwise the message was cut. */
  end(): void {
    if (this.state === 'until-close') this.finish();
    else if (this.state !== 'done') throw new Error('connection closed before the response was complete');
  }

  private readHead(buf: Buffer, off: number): number {
    const before = this.head.length;
    // Only the bytes up to the end of the head are copied; the body stays in the read buffer.
    const chunk = buf.subarray(off);
    const joined = before ? Buffer.concat([this.head, chunk]) : chunk;
    const at = joined.indexOf(CRLFCRLF, Math.max(0, before - 3));
    if (at < 0) {
      if (joined.length > MAX_HEAD) throw new Error('HTTP response head too large');
      this.head = Buffer.from(joined);
      return buf.length;
    }
    const head = parseHead(joined.toString('latin1', 0, at));
    const consumed = off + (at + 4 - before);
    this.head = Buffer.alloc(0);
    if (head.status >= 100 && head.status < 200) return consumed; // interim response: parse the next head
    this.events.onHead(head);
    const te = head.headers['transfer-encoding'];
    if (this.noBody || head.status === 204 || head.status === 304) this.finish();
    else if (te !== undefined && /chunked\s*$/i.test(te)) this.state = 'chunk-size';
    else if (head.headers['content-length'] !== undefined) {
      this.remaining = Number(head.headers['content-length']);
      if (!Number.isSafeInteger(this.remaining) || this.remaining < 0) throw new Error(`bad Content-Length ${head.headers['content-length']}`);
      if (this.remaining === 0) this.finish();
      else this.state = 'length';
    } else this.state = 'until-close';
    return consumed;
  }

  private endLine(): void {
    const line = this.line.replace(/\r?\n$/, '');
    this.line = '';
    if (this.state === 'trailers') {
      if (line === '') this.finish();
      return;
    }
    const size = parseInt(line.split(';')[0].trim(), 16);
    if (!Number.isSafeInteger(size) || size < 0) throw new Error(`bad chunk size "${line}"`);
    if (size === 0) this.state = 'trailers';
    else {
      this.remaining = size;
      this.state = 'chunk-data';
    }
  }

  private finish(): void {
    this.state = 'done';
    this.events.onComplete();
  }
}

export function parseHead(text: string): ParsedHead {
  const lines = text.split('\r\n');
  const m = /^HTTP\/(\d)\.(\d) (\d{3})/.exec(lines[0]);
  if (!m) throw new Error(`bad HTTP status line "${lines[0].slice(0, 60)}"`);
  const headers: Record<string, string> = {};
  for (let i = 1; i < lines.length; i++) {
    const colon = lines[i].indexOf(':');
    if (colon <= 0) continue;
    const name = lines[i].slice(0, colon).trim().toLowerCase();
    const value = lines[i].slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  const http10 = m[1] === '1' && m[2] === '0';
  const conn = (headers.connection ?? '').toLowerCase();
  return { status: Number(m[3]), headers, close: conn.includes('close') || (http10 && !conn.includes('keep-alive')) };
}
