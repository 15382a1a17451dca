import type { BlobBody } from './backend';

function ignore(): void {}

/**
 * Takes ownership of a put body and iterates it as Buffers.
 *
 * Call it synchronously at the start of put(): backends await other things (opening a temp file)
 * before they read, and a stream that errors in that window with no 'error' listener would crash
 * the process. The listener added here only prevents that; the error itself still surfaces
 * because iterating an errored stream rethrows it.
 *
 * Strings are refused: a body stream with an encoding set would silently re-encode binary data.
 */
export function takeBody(body: BlobBody): AsyncGenerator<Buffer> {
  const maybeEmitter = body as Partial<NodeJS.EventEmitter>;
  if (typeof maybeEmitter.on === 'function') maybeEmitter.on('error', ignore);
  return chunks(body);
}

async function* chunks(body: BlobBody): AsyncGenerator<Buffer> {
  for await (const chunk of body as AsyncIterable<unknown>) {
    if (Buffer.isBuffer(chunk)) yield chunk;
    else if (chunk instanceof Uint8Array) yield Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    else throw new TypeError(`blob body yielded ${typeof chunk}; expected Buffer chunks (no stream encoding)`);
  }
}
