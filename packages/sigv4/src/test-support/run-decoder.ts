// Drives a ChunkedDecoder the way an HTTP request would, for tests only.
import { createChunkedDecoder, type ChunkedDecoderOptions } from '../chunked-decoder';

export interface DecodeResult {
  data: Buffer;
  trailers: Record<string, string>;
  error?: Error & { code?: string };
  /** Bytes handed downstream (push), even those a failing stream discards before 'data'. */
  pushed: Buffer;
}

/** Writes `body` in pieces of `writeSize` bytes (all at once by default) and collects the output. */
export function runDecoder(opts: ChunkedDecoderOptions, body: Buffer, writeSize = body.length || 1): Promise<DecodeResult> {
  const decoder = createChunkedDecoder(opts);
  const out: Buffer[] = [];
  const pushed: Buffer[] = [];
  const push = decoder.push.bind(decoder);
  decoder.push = (chunk: unknown, encoding?: BufferEncoding) => {
    if (Buffer.isBuffer(chunk)) pushed.push(Buffer.from(chunk));
    return push(chunk, encoding);
  };
  return new Promise((resolve) => {
    const done = (error?: Error) =>
      resolve({ data: Buffer.concat(out), trailers: decoder.trailers, error, pushed: Buffer.concat(pushed) });
    decoder.on('data', (b: Buffer) => out.push(b));
    decoder.on('end', () => done());
    decoder.on('error', (err) => done(err));
    for (let i = 0; i < body.length && !decoder.destroyed; i += writeSize) decoder.write(body.subarray(i, i + writeSize));
    if (!decoder.destroyed) decoder.end();
  });
}
