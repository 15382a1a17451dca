import { Readable } from 'node:stream';
import { BlobNotFoundError, type BlobBackend, type BlobBody, type BlobInfo, type BlobListEntry } from './backend';
import { takeBody } from './body';
import { assertRangeWithin, assertValidBlobId, validateListOptions } from './validation';

/**
 * In-process backend for tests and local experiments. Same contract as the others (it runs the
 * same conformance suite); bytes are copied in and out so callers can't mutate stored blobs.
 */
export class MemoryBackend implements BlobBackend {
  readonly name = 'memory' as const;
  readonly #blobs = new Map<string, { data: Buffer; lastModified: Date }>();

  async put(opts: { id: string; body: BlobBody }): Promise<{ size: number }> {
    assertValidBlobId(opts.id);
    const parts: Buffer[] = [];
    // Collect fully before storing: a body that fails half-way must leave nothing behind.
    for await (const chunk of takeBody(opts.body)) parts.push(Buffer.from(chunk));
    const data = Buffer.concat(parts);
    this.#blobs.set(opts.id, { data, lastModified: new Date() });
    return { size: data.length };
  }

  async get(opts: { id: string; range?: { start: number; end: number } }): Promise<NodeJS.ReadableStream> {
    assertValidBlobId(opts.id);
    const blob = this.#blobs.get(opts.id);
    if (!blob) throw new BlobNotFoundError(opts.id);
    let bytes = blob.data;
    if (opts.range) {
      assertRangeWithin(opts.range, bytes.length, opts.id);
      bytes = bytes.subarray(opts.range.start, opts.range.end + 1);
    }
    return Readable.from(bytes.length > 0 ? [Buffer.from(bytes)] : [], { objectMode: false });
  }

  async head(opts: { id: string }): Promise<BlobInfo | null> {
    assertValidBlobId(opts.id);
    const blob = this.#blobs.get(opts.id);
    return blob ? { size: blob.data.length, lastModified: new Date(blob.lastModified) } : null;
  }

  async delete(opts: { id: string }): Promise<void> {
    assertValidBlobId(opts.id);
    this.#blobs.delete(opts.id);
  }

  async *list(opts: { prefix?: string; after?: string; limit?: number }): AsyncGenerator<BlobListEntry> {
    const { prefix, after, limit } = validateListOptions(opts);
    const ids = [...this.#blobs.keys()].filter((id) => id.startsWith(prefix) && id > after);
    ids.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    let count = 0;
    for (const id of ids) {
      if (count >= limit) return;
      const blob = this.#blobs.get(id);
      if (!blob) continue; // deleted while the caller was consuming earlier entries
      count += 1;
      yield { id, size: blob.data.length, lastModified: new Date(blob.lastModified) };
    }
  }

  async check(): Promise<void> {}
}
