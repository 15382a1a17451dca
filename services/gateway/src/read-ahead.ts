import type { ManifestPart, ObjectVersion, OrgId } from '@excloud/contracts';
import type { BlobClient, InternalResponse } from '@excloud/internal-client';
import { soleBlob } from './blob-cache';

/**
 * Objects up to this size are read ahead. A wrong guess costs at most this much reading, and
 * less in practice: a discarded read is cut off once it fills the connection's buffers.
 */
export const READ_AHEAD_MAX_BYTES = 1024 * 1024;

/** What became of a read-ahead: its bytes answered the GET, metadata named another blob, or the blob read failed. */
export type ReadAheadOutcome = 'used' | 'stale' | 'failed';

/** Which object a GET or HEAD resolves: a version of a key, or the key's current version. */
export interface ObjectSlot {
  orgId: OrgId;
  bucket: string;
  key: string;
  versionId: string | undefined;
}

/** A blob read started before metadata answered: its response (undefined if the read failed), not yet consumed. */
export interface Guess {
  part: ManifestPart;
  response: Promise<InternalResponse | undefined>;
}

/**
 * A GET of an object up to READ_AHEAD_MAX_BYTES fetches its blob while metadata resolves the key,
 * instead of after: the gateway remembers which blob held each such object it recently served,
 * and starts reading that blob at once. Metadata alone still decides: the bytes answer the GET only
 * when metadata (which checks access and names the current version) names that same blob, and a
 * blob never changes once written. Otherwise they are dropped unsent and the GET reads the blob
 * metadata named, as it would without read-ahead. This takes the blob round trip off such a GET's
 * latency; a wrong guess (the key was overwritten or deleted since, other than through this
 * gateway's own PutObject or DeleteObject, which update what it remembers) costs one wasted read.
 *
 * Memory is bounded by `capacity` remembered objects, least recently read dropped first.
 */
export class ReadAhead {
  readonly #recent = new Map<string, ManifestPart>();

  constructor(
    private readonly blob: BlobClient,
    private readonly capacity: number,
    private readonly count: (outcome: ReadAheadOutcome) => void = () => undefined,
    /** Whether the gateway already holds this blob's bytes (blob-cache.ts): then there is nothing to read ahead. */
    private readonly held: (blobId: string) => boolean = () => false,
  ) {}

  /** Starts reading the blob this object had when last served, if one is remembered. */
  start(slot: ObjectSlot, requestId: string): Guess | undefined {
    const part = this.#recent.get(slotKey(slot));
    if (!part || this.held(part.blobId)) return undefined;
    return { part, response: this.blob.readAhead(slot.orgId, part, requestId).catch(() => undefined) };
  }

  /**
   * Once metadata answered with `version`: the guessed response if it is exactly this version's
   * body, else undefined (read it as usual; the guess is discarded). Either way `version` is
   * remembered for next time.
   */
  async settle(guess: Guess | undefined, slot: ObjectSlot, version: ObjectVersion): Promise<InternalResponse | undefined> {
    this.remember(slot, version);
    if (!guess) return undefined;
    if (!sameBlob(guess.part, soleBlob(version))) {
      this.count('stale');
      discard(guess);
      return undefined;
    }
    const response = await guess.response;
    if (!response) {
      this.count('failed');
      return undefined;
    }
    this.count('used');
    return response;
  }

  /** Metadata refused or found nothing: drop the guess, and stop guessing this object. */
  abandon(guess: Guess | undefined, slot: ObjectSlot): void {
    this.forget(slot);
    if (guess) discard(guess);
  }

  /** Remembers the blob behind a single-blob object up to READ_AHEAD_MAX_BYTES; forgets anything else at this slot. */
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

  /**
   * A PUT through this gateway replaced the object: if its old blob was remembered, remember the
   * new one instead, so the next GET is not a wrong guess. Never adds a slot: objects written and
   * not read must not push out those that are read.
   */
  replaced(slot: ObjectSlot, version: ObjectVersion): void {
    if (this.#recent.has(slotKey(slot))) this.remember(slot, version);
  }

  /** The object at this slot was deleted through this gateway: stop guessing its blob. */
  forget(slot: ObjectSlot): void {
    this.#recent.delete(slotKey(slot));
  }

  get size(): number {
    return this.#recent.size;
  }
}

/** Unread bytes nobody will send: a finished response costs nothing to drop, an unfinished one its connection. */
function discard(guess: Guess): void {
  void guess.response.then((response) => response?.destroy());
}

function slotKey(slot: ObjectSlot): string {
  // NUL cannot occur in an org id, bucket name or version id; keys may hold anything else, so the key goes last.
  return `${slot.orgId}\0${slot.bucket}\0${slot.versionId ?? ''}\0${slot.key}`;
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
