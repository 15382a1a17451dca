import type { BlobListEntry } from './backend';

/**
 * Reads a put body until it ends or exceeds `max` bytes. A body that ends in time comes back as
 * one buffer (it goes into a pack segment); a longer one comes back as an iterable that replays
 * what was read and then continues the body (it goes to its own file).
 */
export async function takeSmallBody(body: AsyncGenerator<Buffer>, max: number): Promise<{ small: Buffer } | { large: AsyncIterable<Buffer> }> {
  const head: Buffer[] = [];
  let size = 0;
  for (;;) {
    const next = await body.next();
    if (next.done) return { small: head.length === 1 ? head[0]! : Buffer.concat(head, size) };
    size += next.value.length;
    // Copied: a producer may reuse its buffer once asked for the next chunk.
    head.push(Buffer.from(next.value));
    if (size > max) return { large: replay(head, body) };
  }
}

async function* replay(head: Buffer[], rest: AsyncGenerator<Buffer>): AsyncGenerator<Buffer> {
  yield* head.splice(0);
  yield* rest;
}

/** Merges two id-ordered listings; an id in both (only after a crash mid-overwrite) is taken from `preferred`. */
export async function* mergeById(preferred: AsyncIterable<BlobListEntry>, other: AsyncIterable<BlobListEntry>): AsyncGenerator<BlobListEntry> {
  const a = preferred[Symbol.asyncIterator]();
  const b = other[Symbol.asyncIterator]();
  const next = async (it: AsyncIterator<BlobListEntry>): Promise<BlobListEntry | undefined> => {
    const r = await it.next();
    return r.done ? undefined : r.value;
  };
  try {
    let x = await next(a);
    let y = await next(b);
    while (x || y) {
      if (x && (!y || x.id <= y.id)) {
        if (y && x.id === y.id) y = await next(b);
        yield x;
        x = await next(a);
      } else if (y) {
        yield y;
        y = await next(b);
      }
    }
  } finally {
    await a.return?.();
    await b.return?.();
  }
}
