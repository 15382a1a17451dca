import type { ManifestPart, ObjectVersion, OrgId } from '@excloud/contracts';
import { collectBody, type BlobClient } from '@excloud/internal-client';

/** Objects up to this size are read ahead: the gateway gathers such bodies whole anyway (respond.ts). */
export const READ_AHEAD_MAX_BYTES = 64 * 1024;

/** What became of a read-ahead: its bytes answered the GET, metadata named another blob, or the blob read failed. */
export type ReadAheadOutcome = 'used' | 'stale' | 'failed';

/** Which object a GET or HEAD resolves: a version of a key, or the key's current version. */
export interface ObjectSlot {
  orgId: OrgId;
  bucket: string;
  key: string;
  versionId: string | undefined;
}

/** A blob read started before metadata answered; its body is undefined if the read failed. */
export interface Guess {
  part: ManifestPart;
  body: Promise<Buffer | undefined>;
}

/**
 * A small object's GET fetches its blob while metadata resolves the key, instead of after: the
 * gateway remembers which blob held each small object it recently served, and starts reading that
 * blob at once. Metadata alone still decides: the bytes answer the GET only when metadata (which
 * checks access and names the current version) names that same blob, and a blob never changes
 * once written. Otherwise they are dropped unsent and the GET reads the blob metadata named, as it
 * would without read-ahead. This takes the blob round trip off a small GET's latency; a wrong
 * guess (the key was overwritten or deleted since) costs one small blob read.
 *
 * Memory is bounded by `capacity` remembered objects, least recently read dropped first.
 */
export class ReadAhead {
  readonly #recent = new Map<string, ManifestPart>();

  constructor(
    private readonly blob: BlobClient,
    private readonly capacity: number,
    private readonly count: (outcome: ReadAheadOutcome) => void = () => undefined,
  ) {}

  /** Starts reading the blob this object had when last served, if one is remembered. */
  start(slot: ObjectSlot, requestId: string): Guess | undefined {
    const part = this.#recent.get(slotKey(slot));
    if (!part) return undefined;
    const body = this.blob.get(slot.orgId, part, undefined, requestId).then(
      (response) => collectBody(response),
      () => undefined,
    );
    return { part, body: body.catch(() => undefined) };
  }

  /**
   * Once metadata answered with `version`: the guessed bytes if they are exactly this version's
   * body, else undefined (read it as usual). Either way `version` is remembered for next time.
   */
  async settle(guess: Guess | undefined, slot: ObjectSlot, version: ObjectVersion): Promise<Buffer | undefined> {
    this.remember(slot, version);
    if (!guess) return undefined;
    if (!sameBlob(guess.part, soleBlob(version))) {
      this.count('stale');
      return undefined;
    }
    const body = await guess.body;
    if (body?.length !== version.size) {
      this.count('failed');
      return undefined;
    }
    this.count('used');
    return body;
  }

  /** Remembers the blob behind a small single-blob object; forgets anything else at this slot. */
  remember(slot: ObjectSlot, version: ObjectVersion): void {
    if (this.capacity === 0) return;
    const key = slotKey(slot);
    // Deleted and re-set, so the Map's order is least recently served first.
    this.#recent.delete(key);
    const part = soleBlob(version);
    if (!part || part.size > READ_AHEAD_MAX_BYTES) return;
    this.#recent.set(key, part);
    if (this.#recent.size > this.capacity) this.#recent.delete(this.#recent.keys().next().value!);
  }

  /** The object at this slot changed through this gateway: stop guessing its blob. */
  forget(slot: ObjectSlot): void {
    this.#recent.delete(slotKey(slot));
  }

  get size(): number {
    return this.#recent.size;
  }
}

function slotKey(slot: ObjectSlot): string {
  // NUL cannot occur in an org id, bucket name or version id; keys may hold anything else, so the key goes last.
  return `${slot.orgId}\0${slot.bucket}\0${slot.versionId ?? ''}\0${slot.key}`;
}

/** The one non-empty blob of a single-PUT object; undefined for empty or multipart objects. */
function soleBlob(version: ObjectVersion): ManifestPart | undefined {
  if (version.manifest.length !== 1 || version.size === 0) return undefined;
  const part = version.manifest[0]!;
  return part.size === version.size ? part : undefined;
}

function sameBlob(a: ManifestPart, b: ManifestPart | undefined): boolean {
  return (
    b !== undefined &&
    a.blobId === b.blobId &&
    a.size === b.size &&
    a.encryption.keyId === b.encryption.keyId &&
    a.encryption.wrappedKey === b.encryption.wrappedKey &&
    a.encryption.noncePrefix === b.encryption.noncePrefix
  );
}
