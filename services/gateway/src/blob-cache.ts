import type { ManifestPart, ObjectVersion } from '@excloud/contracts';

/**
 * Blobs up to this size are cached: one encryption frame, and the size the gateway already gathers
 * whole before answering (respond.ts). For them the blob round trip is most of the cost of a GET;
 * a larger object's cost is its bytes, which a cache of this size could hold only a few of.
 */
export const BLOB_CACHE_MAX_BLOB_BYTES = 64 * 1024;

export type BlobCacheOutcome = 'hit' | 'miss';

/**
 * Plaintext of small blobs the gateway recently served, by blob id. A blob never changes once
 * written and its id is never reused, so an entry cannot go stale: metadata still resolves every
 * GET (access, current version, conditions) and names the blob, and only then is the cache asked
 * for that blob. A hot small object then costs a metadata round trip and no blob round trip.
 * Blob ids begin with the org, and only metadata's answer for the caller's org names one, so no
 * tenant can be served another's bytes.
 *
 * What it changes: plaintext of recently read small objects stays in the gateway's memory (never
 * on its disk) until pushed out, at most `capacityBytes` of it, least recently served first.
 */
export class BlobCache {
  readonly #entries = new Map<string, Buffer>();
  #bytes = 0;

  constructor(
    readonly capacityBytes: number,
    private readonly count: (outcome: BlobCacheOutcome) => void = () => undefined,
  ) {}

  /** The blob of a single-blob object this cache would hold, else undefined (too large, multipart, empty or cache off). */
  cacheablePart(version: ObjectVersion): ManifestPart | undefined {
    const part = soleBlob(version);
    return part && this.#fits(part) ? part : undefined;
  }

  /** The blob's plaintext if cached (and marks it recently used). Counts a hit or a miss. */
  get(part: ManifestPart): Buffer | undefined {
    const body = this.#entries.get(part.blobId);
    this.count(body ? 'hit' : 'miss');
    if (!body) return undefined;
    // Deleted and re-set, so the Map's order is least recently served first.
    this.#entries.delete(part.blobId);
    this.#entries.set(part.blobId, body);
    return body;
  }

  has(blobId: string): boolean {
    return this.#entries.has(blobId);
  }

  /** Caches a blob's whole plaintext (copied: `body` may be a view into a larger socket buffer). */
  add(part: ManifestPart, body: Buffer): void {
    if (body.length !== part.size || !this.#fits(part)) return;
    if (this.#entries.has(part.blobId)) return;
    const copy = Buffer.allocUnsafeSlow(body.length);
    body.copy(copy);
    this.#entries.set(part.blobId, copy);
    this.#bytes += copy.length;
    for (const [blobId, oldest] of this.#entries) {
      if (this.#bytes <= this.capacityBytes) break;
      this.#entries.delete(blobId);
      this.#bytes -= oldest.length;
    }
  }

  #fits(part: ManifestPart): boolean {
    return part.size <= BLOB_CACHE_MAX_BLOB_BYTES && part.size <= this.capacityBytes;
  }

  /** Plaintext bytes held. */
  get bytes(): number {
    return this.#bytes;
  }

  get size(): number {
    return this.#entries.size;
  }
}

/** The one non-empty blob of a single-PUT object; undefined for empty or multipart objects. */
export function soleBlob(version: ObjectVersion): ManifestPart | undefined {
  if (version.manifest.length !== 1 || version.size === 0) return undefined;
  const part = version.manifest[0]!;
  return part.size === version.size ? part : undefined;
}
