/**
 * Incremental HTTP/1.1 response parser (status line, headers, Content-Length / chunked /
 * until-close bodies) for the internal client. Body bytes are handed out as views of the chunk
 * the socket delivered, never copied. The bench's load generator
 * parses with it too.
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
  onBody(chunk: Buffer): void;
  onComplete(): void;
}

const MAX_HEAD = 64 * 1024;
const CRLFCRLF = Buffer.from('\r\n\r\n');

enum State {
  Head,
  Length,
  ChunkSize,
  ChunkData,
  ChunkCrlf,
  Trailers,
  UntilClose,
  Done,
}

export class ResponseParser {
  private state = State.Head;
  private head: Buffer | undefined;
  private remaining = 0;
  private line = '';

  constructor(
    private readonly events: ParserEvents,
    /** HEAD responses carry Content-Length but no body. */
    private readonly noBody = false,
  ) {}

  get complete(): boolean {
    return this.state === State.Done;
  }

  /** True when the body runs until the connection closes (no length, not chunked). */
  get readsUntilClose(): boolean {
    return this.state === State.UntilClose;
  }

  /** Feeds bytes; returns how many were consumed (less than given only once the message is complete). */
  push(buf: Buffer): number {
    let off = 0;
    while (off < buf.length && this.state !== State.Done) {
      switch (this.state) {
        case State.Head:
          off = this.readHead(buf, off);
          break;
        case State.Length: {
          const n = Math.min(this.remaining, buf.length - off);
          this.events.onBody(off === 0 && n === buf.length ? buf : buf.subarray(off, off + n));
          off += n;
          this.remaining -= n;
          if (this.remaining === 0) this.finish();
          break;
        }
        case State.UntilClose:
          this.events.onBody(buf.subarray(off));
          off = buf.length;
          break;
        case State.ChunkSize:
        case State.Trailers: {
          const nl = buf.indexOf(10, off);
          const end = nl < 0 ? buf.length : nl + 1;
          this.line += buf.toString('latin1', off, end);
          off = end;
          if (this.line.length > MAX_HEAD) throw new Error('HTTP chunk line too long');
          if (nl >= 0) this.endLine();
          break;
        }
        case State.ChunkData: {
          const n = Math.min(this.remaining, buf.length - off);
          this.events.onBody(buf.subarray(off, off + n));
          off += n;
          this.remaining -= n;
          if (this.remaining === 0) {
            this.state = State.ChunkCrlf;
            this.remaining = 2;
          }
          break;
        }
        case State.ChunkCrlf: {
          const n = Math.min(this.remaining, buf.length - off);
          off += n;
          this.remaining -= n;
          if (this.remaining === 0) this.state = State.ChunkSize;
          break;
        }
      }
    }
    return off;
  }

  /** The connection closed: completes an until-close body, otherwise the message was cut. */
  end(): void {
    if (this.state === State.UntilClose) this.finish();
    else if (this.state !== State.Done) throw new Error('connection closed before the response was complete');
  }

  private readHead(buf: Buffer, off: number): number {
    const before = this.head?.length ?? 0;
    // Only the bytes up to the end of the head are copied; the body stays in the socket's chunk.
    const chunk = off === 0 ? buf : buf.subarray(off);
    const joined = this.head ? Buffer.concat([this.head, chunk]) : chunk;
    const at = joined.indexOf(CRLFCRLF, Math.max(0, before - 3));
    if (at < 0) {
      if (joined.length > MAX_HEAD) throw new Error('HTTP response head too large');
      this.head = Buffer.from(joined);
      return buf.length;
    }
    const head = parseHead(joined.toString("latin1", 0, at));
    const consumed = off + (at + 4 - before);
    this.head = undefined;
    if (head.status >= 100 && head.status < 200) return consumed; // interim response: parse the next head
    this.events.onHead(head);
    const te = head.headers['transfer-encoding'];
    const length = head.headers['content-length'];
    if (this.noBody || head.status === 204 || head.status === 304) this.finish();
    else if (te !== undefined && /chunked\s*$/i.test(te)) this.state = State.ChunkSize;
    else if (length !== undefined) {
      this.remaining = Number(length);
      if (!/^\d+$/.test(length) || !Number.isSafeInteger(this.remaining)) throw new Error(`bad Content-Length ${length}`);
      if (this.remaining === 0) this.finish();
      else this.state = State.Length;
    } else this.state = State.UntilClose;
    return consumed;
  }

  private endLine(): void {
    const line = this.line.replace(/\r?\n$/, '');
    this.line = '';
    if (this.state === State.Trailers) {
      if (line === '') this.finish();
      return;
    }
    const text = line.split(';')[0]!.trim();
    const size = parseInt(text, 16);
    if (!/^[0-9a-fA-F]+$/.test(text) || !Number.isSafeInteger(size)) throw new Error(`bad chunk size "${line.slice(0, 40)}"`);
    if (size === 0) this.state = State.Trailers;
    else {
      this.remaining = size;
      this.state = State.ChunkData;
    }
  }

  private finish(): void {
    this.state = State.Done;
    this.events.onComplete();
  }
}

export function parseHead(text: string): ParsedHead {
  const lines = text.split('\r\n');
  const m = /^HTTP\/1\.([01]) (\d{3})/.exec(lines[0]!);
  if (!m) throw new Error(`bad HTTP status line "${lines[0]!.slice(0, 60)}"`);
  const headers: Record<string, string> = {};
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  const conn = (headers.connection ?? '').toLowerCase();
  return { status: Number(m[2]), headers, close: conn.includes('close') || (m[1] === '0' && !conn.includes('keep-alive')) };
}
