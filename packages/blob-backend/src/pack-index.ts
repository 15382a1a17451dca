/**
 * id → where the newest put of a packed blob lives. Locations sit in typed-array columns indexed by
 * a slot number, so an entry costs its id string, one Map entry holding a small integer, and 24
 * bytes of columns — no object per blob (a million small blobs must fit well inside 300 MiB).
 */
export interface PackLocation {
  segment: number;
  /** Offset of the record's header in the segment. */
  offset: number;
  /** Length of the blob's bytes (data follows the header and the id). */
  length: number;
  mtime: number;
  /** Oldest segment that held any put of this id: a tombstone must outlive all of them. */
  firstSegment: number;
}

const INITIAL_SLOTS = 1024;

export class PackIndex {
  readonly #slots = new Map<string, number>();
  #segment = new Uint32Array(INITIAL_SLOTS);
  #offset = new Uint32Array(INITIAL_SLOTS);
  #length = new Uint32Array(INITIAL_SLOTS);
  #first = new Uint32Array(INITIAL_SLOTS);
  #mtime = new Float64Array(INITIAL_SLOTS);
  readonly #free: number[] = [];
  #used = 0;
  /** Listing: a sorted snapshot plus the ids added since (sorted on demand while few). */
  #sorted: string[] | undefined;
  #recent: string[] = [];

  get size(): number {
    return this.#slots.size;
  }

  get(id: string): PackLocation | undefined {
    const slot = this.#slots.get(id);
    if (slot === undefined) return undefined;
    return {
      segment: this.#segment[slot]!,
      offset: this.#offset[slot]!,
      length: this.#length[slot]!,
      mtime: this.#mtime[slot]!,
      firstSegment: this.#first[slot]!,
    };
  }

  /** True when the newest put of `id` is the record at (segment, offset). */
  isAt(id: string, segment: number, offset: number): boolean {
    const slot = this.#slots.get(id);
    return slot !== undefined && this.#segment[slot] === segment && this.#offset[slot] === offset;
  }

  set(id: string, loc: PackLocation): void {
    let slot = this.#slots.get(id);
    if (slot === undefined) {
      slot = this.#free.pop() ?? this.#grow();
      this.#slots.set(id, slot);
      if (this.#sorted) this.#recent.push(id);
    }
    this.#segment[slot] = loc.segment;
    this.#offset[slot] = loc.offset;
    this.#length[slot] = loc.length;
    this.#mtime[slot] = loc.mtime;
    this.#first[slot] = loc.firstSegment;
  }

  delete(id: string): void {
    const slot = this.#slots.get(id);
    if (slot === undefined) return;
    this.#slots.delete(id);
    this.#free.push(slot);
  }

  *entries(): Generator<[string, PackLocation]> {
    for (const id of this.#slots.keys()) yield [id, this.get(id)!];
  }

  /**
   * Live ids in byte order, under `prefix` and strictly after `after`. A page rebuilds the sorted
   * snapshot only when many ids arrived since, so paging through everything stays O(n log n) in
   * total; ids deleted since the snapshot are skipped when met.
   */
  *sortedIds(prefix: string, after: string): Generator<string> {
    if (!this.#sorted || this.#recent.length > Math.max(1024, this.#sorted.length / 8)) {
      this.#sorted = [...this.#slots.keys()].sort(byteOrder);
      this.#recent = [];
    } else if (this.#recent.length > 0) {
      this.#recent.sort(byteOrder);
    }
    const sorted = this.#sorted;
    const recent = [...this.#recent];
    const from = after > prefix ? after : prefix;
    let i = lowerBound(sorted, from);
    let j = lowerBound(recent, from);
    let last: string | undefined;
    while (i < sorted.length || j < recent.length) {
      const a = sorted[i];
      const b = recent[j];
      const next = b === undefined || (a !== undefined && a <= b) ? sorted[i++]! : recent[j++]!;
      if (!next.startsWith(prefix)) break; // ids under a prefix are contiguous from `prefix` on
      if (next <= after || next === last || !this.#slots.has(next)) continue;
      last = next;
      yield next;
    }
  }

  #grow(): number {
    if (this.#used === this.#segment.length) {
      const n = this.#segment.length * 2;
      this.#segment = growTo(this.#segment, new Uint32Array(n));
      this.#offset = growTo(this.#offset, new Uint32Array(n));
      this.#length = growTo(this.#length, new Uint32Array(n));
      this.#first = growTo(this.#first, new Uint32Array(n));
      this.#mtime = growTo(this.#mtime, new Float64Array(n));
    }
    return this.#used++;
  }
}

function growTo<T extends Uint32Array | Float64Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** First index whose value is >= `key`. */
function lowerBound(sorted: string[], key: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
