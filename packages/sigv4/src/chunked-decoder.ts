import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { SignatureChain, canonicalTrailers } from './chunk-signature';
import { SigV4Error } from './errors';
import { EMPTY_SHA256 } from './signing';
import {
  TRAILER_SIGNATURE,
  checkTrailerSet,
  declaredTrailers,
  parseTrailerLine,
  verifyChecksumTrailers,
  type DeclaredTrailer,
} from './trailers';
import type { PayloadMode } from './types';

export interface ChunkedDecoderOptions {
  mode: PayloadMode;
  signingKey?: Buffer;
  /** The request's own signature: the first link of the chunk signature chain. */
  seedSignature?: string;
  amzDate?: string;
  /** date/region/service/aws4_request */
  scope?: string;
  /** x-amz-decoded-content-length, when the client sent it. */
  decodedContentLength?: number;
  /** The x-amz-trailer header value, e.g. 'x-amz-checksum-crc32'. */
  expectedTrailer?: string;
  /** Largest chunk accepted in the signed modes, where a chunk is held until its signature checks. */
  maxChunkSize?: number;
}

export interface ChunkedDecoder extends Transform {
  /** Trailing headers (checksums), verified; filled before the stream ends. */
  trailers: Record<string, string>;
}

const DEFAULT_MAX_CHUNK = 16 * 1024 * 1024;
// A chunk header is ~90 bytes and a trailer line ~100; anything far longer is not aws-chunked.
const MAX_LINE = 4096;
const SIGNED_HEADER_LINE = /^([0-9a-fA-F]{1,16});chunk-signature=([0-9a-fA-F]{64})$/;
const UNSIGNED_HEADER_LINE = /^([0-9a-fA-F]{1,16})(?:;.*)?$/;

type State = 'size' | 'data' | 'data-crlf' | 'trailer' | 'done';

function malformed(message: string): SigV4Error {
  return new SigV4Error('InvalidRequest', `Malformed aws-chunked body: ${message}`);
}

function incomplete(message: string): SigV4Error {
  return new SigV4Error('IncompleteBody', message);
}

/**
 * Decodes an aws-chunked request body into the payload bytes. In the signed modes every chunk is
 * held until its signature verifies, so unverified bytes never reach the consumer; in the unsigned
 * trailer mode bytes pass straight through and only the trailing checksum vouches for them.
 */
class AwsChunkedDecoder extends Transform implements ChunkedDecoder {
  trailers: Record<string, string> = {};

  private readonly signed: boolean;
  private readonly trailerMode: boolean;
  private readonly chain: SignatureChain | null;
  private readonly maxChunkSize: number;
  private readonly decodedContentLength: number | undefined;
  private declared: DeclaredTrailer[] = [];
  private setupError: SigV4Error | null = null;

  private state: State = 'size';
  private line = '';
  private remaining = 0;
  private crlfSeen = 0;
  private decoded = 0;
  private chunkSignature = '';
  private chunkHash: Hash | null = null;
  private held: Buffer[] = [];
  private received: Array<[string, string]> = [];
  private trailerSignature: string | null = null;

  constructor(opts: ChunkedDecoderOptions) {
    super();
    const { mode } = opts;
    if (mode === 'signed' || mode === 'UNSIGNED-PAYLOAD') {
      throw new TypeError(`createChunkedDecoder: ${mode} bodies are not aws-chunked`);
    }
    this.signed = mode !== 'STREAMING-UNSIGNED-PAYLOAD-TRAILER';
    this.trailerMode = mode !== 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD';
    this.maxChunkSize = opts.maxChunkSize ?? DEFAULT_MAX_CHUNK;
    const length = opts.decodedContentLength;
    if (length !== undefined && !(Number.isSafeInteger(length) && length >= 0)) {
      throw new TypeError(`createChunkedDecoder: invalid decodedContentLength ${length}`);
    }
    this.decodedContentLength = length;
    if (this.signed) {
      const { signingKey, seedSignature, amzDate, scope } = opts;
      if (!signingKey || !seedSignature || !amzDate || !scope) {
        throw new TypeError(`createChunkedDecoder: ${mode} needs signingKey, seedSignature, amzDate and scope`);
      }
      this.chain = new SignatureChain(signingKey, amzDate, scope, seedSignature);
    } else {
      this.chain = null;
    }
    // Problems with what the client declared surface as a stream error, like every other body
    // error, rather than as an exception from the constructor.
    try {
      if (!this.trailerMode && opts.expectedTrailer !== undefined && opts.expectedTrailer.trim() !== '') {
        throw new SigV4Error('InvalidRequest', `x-amz-trailer is not allowed with x-amz-content-sha256: ${mode}`);
      }
      this.declared = declaredTrailers(opts.expectedTrailer);
    } catch (err) {
      this.setupError = err as SigV4Error;
    }
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      if (this.setupError) throw this.setupError;
      this.consume(chunk);
      callback();
    } catch (err) {
      callback(err as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      if (this.setupError) throw this.setupError;
      // Tolerate a body that stops right after the last trailer line without the closing CRLF.
      if (this.state === 'trailer' && this.line === '') this.endTrailers();
      if (this.state !== 'done') throw incomplete('The request body terminated unexpectedly');
      callback();
    } catch (err) {
      callback(err as Error);
    }
  }

  private consume(buf: Buffer): void {
    let pos = 0;
    while (pos < buf.length) {
      switch (this.state) {
        case 'size':
        case 'trailer': {
          const nl = buf.indexOf(0x0a, pos);
          const end = nl === -1 ? buf.length : nl;
          if (this.line.length + (end - pos) > MAX_LINE) throw malformed('line too long');
          this.line += buf.toString('latin1', pos, end);
          if (nl === -1) return;
          pos = nl + 1;
          const line = this.line;
          this.line = '';
          if (this.state === 'size') this.onChunkHeader(line);
          else this.onTrailerLine(line.endsWith('\r') ? line.slice(0, -1) : line);
          break;
        }
        case 'data': {
          const n = Math.min(this.remaining, buf.length - pos);
          this.onData(buf.subarray(pos, pos + n));
          pos += n;
          this.remaining -= n;
          if (this.remaining === 0) {
            this.endChunk();
            this.state = 'data-crlf';
          }
          break;
        }
        case 'data-crlf': {
          if (buf[pos] !== (this.crlfSeen === 0 ? 0x0d : 0x0a)) throw malformed('chunk data is not followed by CRLF');
          pos++;
          if (++this.crlfSeen === 2) {
            this.crlfSeen = 0;
            this.state = 'size';
          }
          break;
        }
        case 'done': {
          if (buf[pos] !== 0x0d && buf[pos] !== 0x0a) throw malformed('data after the end of the body');
          pos++;
          break;
        }
      }
    }
  }

  private onChunkHeader(rawLine: string): void {
    if (!rawLine.endsWith('\r')) throw malformed('chunk header is not terminated by CRLF');
    const line = rawLine.slice(0, -1);
    const m = (this.signed ? SIGNED_HEADER_LINE : UNSIGNED_HEADER_LINE).exec(line);
    if (!m) throw malformed(`invalid chunk header "${line.slice(0, 100)}"`);
    const size = parseInt(m[1], 16);
    if (!Number.isSafeInteger(size)) throw malformed('chunk size too large');
    if (this.signed && size > this.maxChunkSize) throw malformed(`chunk of ${size} bytes exceeds ${this.maxChunkSize}`);
    if (this.decodedContentLength !== undefined && this.decoded + size > this.decodedContentLength) {
      throw incomplete('The decoded body is longer than x-amz-decoded-content-length');
    }
    this.chunkSignature = m[2] ?? '';
    if (size === 0) {
      if (this.chain && !this.chain.verifyChunk(EMPTY_SHA256, this.chunkSignature)) throw chunkMismatch();
      this.state = 'trailer';
      return;
    }
    this.remaining = size;
    this.chunkHash = this.signed ? createHash('sha256') : null;
    this.state = 'data';
  }

  private onData(piece: Buffer): void {
    this.decoded += piece.length;
    if (this.chunkHash) {
      this.chunkHash.update(piece);
      this.held.push(piece);
    } else {
      this.deliver(piece);
    }
  }

  private endChunk(): void {
    if (!this.chunkHash || !this.chain) return;
    const digest = this.chunkHash.digest('hex');
    this.chunkHash = null;
    const held = this.held;
    this.held = [];
    if (!this.chain.verifyChunk(digest, this.chunkSignature)) throw chunkMismatch();
    for (const piece of held) this.deliver(piece);
  }

  private deliver(piece: Buffer): void {
    for (const d of this.declared) d.checksum?.update(piece);
    this.push(piece);
  }

  private onTrailerLine(line: string): void {
    if (line === '') {
      this.endTrailers();
      return;
    }
    if (!this.trailerMode) throw malformed('trailing headers are only allowed with a -TRAILER payload mode');
    const [name, value] = parseTrailerLine(line);
    if (name === TRAILER_SIGNATURE) {
      if (this.trailerSignature !== null) throw malformed(`${TRAILER_SIGNATURE} sent twice`);
      this.trailerSignature = value;
      return;
    }
    if (this.received.some(([n]) => n === name)) throw malformed(`trailer ${name} sent twice`);
    this.received.push([name, value]);
  }

  private endTrailers(): void {
    this.state = 'done';
    if (this.decodedContentLength !== undefined && this.decoded !== this.decodedContentLength) {
      throw incomplete(
        `You did not provide the number of bytes specified by x-amz-decoded-content-length (${this.decodedContentLength}); got ${this.decoded}.`,
      );
    }
    checkTrailerSet(this.declared, this.received);
    if (this.chain && this.trailerMode) {
      if (this.trailerSignature === null) throw malformed(`${TRAILER_SIGNATURE} is missing`);
      if (!this.chain.verifyTrailer(canonicalTrailers(this.received), this.trailerSignature)) {
        throw new SigV4Error(
          'SignatureDoesNotMatch',
          'The trailer signature we calculated does not match the signature you provided.',
        );
      }
    }
    verifyChecksumTrailers(this.declared, this.received);
    this.trailers = Object.fromEntries(this.received);
  }
}

function chunkMismatch(): SigV4Error {
  return new SigV4Error(
    'SignatureDoesNotMatch',
    'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
  );
}

export function createChunkedDecoder(opts: ChunkedDecoderOptions): ChunkedDecoder {
  return new AwsChunkedDecoder(opts);
}
