import { readSync, writeSync, writevSync } from 'node:fs';
import { type FileHandle, mkdir, open, readdir, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fsyncDir } from './directory-syncer';
import { PackIndex } from './pack-index';
import { lockPackDir } from './pack-lock';
import { crcMatches, encodeRecord, HEADER_BYTES, KIND_PUT, KIND_TOMBSTONE, parseHeader, recordBytes } from './pack-record';
import { scanSegment } from './pack-scan';

/** The syscalls group commit is about, injectable so tests can count them or fail them. */
export interface PackIo {
  datasync(fh: FileHandle): Promise<void>;
  fsyncDir(path: string): Promise<void>;
}

export const defaultPackIo: PackIo = { datasync: (fh) => fh.datasync(), fsyncDir };

export interface PackStoreOptions {
  dir: string;
  fsync: boolean;
  segmentMaxBytes: number;
  io?: PackIo;
}

export interface SegmentStats {
  segment: number;
  totalBytes: number;
  liveBytes: number;
}

interface Segment extends SegmentStats {
  reader?: { fh: Promise<FileHandle>; refs: number };
  retired?: boolean;
}

interface Pending {
  id: string;
  record: Buffer;
  /** Compaction copies: re-checked when the batch forms, dropped if a newer write touched the id. */
  stillWanted?: (touchedInBatch: Set<string>) => boolean;
  resolve(written: boolean): void;
  reject(err: Error): void;
}

const SEGMENT_FILE = /^seg-([0-9a-f]{8})\.pack$/;
const segmentName = (n: number): string => `seg-${n.toString(16).padStart(8, '0')}.pack`;

/**
 * Small blobs appended to segment files (Bitcask-style), each put acknowledged only once its batch
 * is durable: every write queued while a batch is being written and synced goes into the next one,
 * so concurrent puts share one writev and one fdatasync. The index is rebuilt at open by replaying
 * the segments in order (newest record wins, tombstones delete); a torn tail is cut off.
 */
export class PackStore {
  index = new PackIndex();
  readonly segments = new Map<number, Segment>();
  /** Tombstones that may still hide an older put: id → where it lives and the oldest segment it must outlive. */
  readonly tombstones = new Map<string, { segment: number; firstSegment: number; bytes: number }>();
  readonly dir: string;
  readonly io: PackIo;
  datasyncs = 0;
  #active: { segment: number; fh: FileHandle; size: number } | undefined;
  #queue: Pending[] = [];
  #flushing = false;
  #failed: Error | undefined;
  #opened: Promise<void> | undefined;
  #lock: { release(): Promise<void> } | undefined;
  readonly #opts: PackStoreOptions;

  constructor(opts: PackStoreOptions) {
    this.#opts = opts;
    this.dir = opts.dir;
    this.io = opts.io ?? defaultPackIo;
  }

  get activeSegment(): number | undefined {
    return this.#active?.segment;
  }

  ready(): Promise<void> {
    this.#opened ??= this.#open().catch((err: unknown) => {
      this.#opened = undefined;
      throw err;
    });
    return this.#opened;
  }

  async put(id: string, data: Buffer): Promise<void> {
    await this.ready();
    await this.append(id, encodeRecord(KIND_PUT, id, data, Date.now()));
  }

  /** Appends a tombstone when `id` is packed; false (and nothing written) when it is not. */
  async delete(id: string): Promise<boolean> {
    await this.ready();
    if (!this.index.get(id)) return false;
    await this.append(id, encodeRecord(KIND_TOMBSTONE, id, undefined, Date.now()));
    return true;
  }

  /** The blob's bytes (or the inclusive range of them), or undefined when `id` is not packed. */
  async read(id: string, range?: { start: number; end: number }): Promise<Buffer | undefined> {
    await this.ready();
    for (let attempt = 0; ; attempt++) {
      const loc = this.index.get(id);
      if (!loc) return undefined;
      const seg = this.segments.get(loc.segment)!;
      const reader = (seg.reader ??= { fh: open(join(this.dir, segmentName(loc.segment)), 'r'), refs: 0 });
      reader.refs += 1;
      try {
        const fh = await reader.fh;
        return range ? readExactly(fh, range.end - range.start + 1, loc.offset + HEADER_BYTES + id.length + range.start) : readRecordData(fh, id, loc);
      } catch (err) {
        // Compaction moved the record and removed its segment between our lookup and our open.
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || attempt > 2) throw err;
        if (seg.reader === reader) seg.reader = undefined;
      } finally {
        this.#release(seg, reader);
      }
    }
  }

  /** Appends one encoded record through group commit; resolves false when a compaction copy was dropped. */
  append(id: string, record: Buffer, stillWanted?: Pending['stillWanted']): Promise<boolean> {
    if (this.#failed) return Promise.reject(this.#failed);
    return new Promise((resolve, reject) => {
      this.#queue.push({ id, record, stillWanted, resolve, reject });
      this.#kick();
    });
  }

  stats(): SegmentStats[] {
    return [...this.segments.values()].map(({ segment, totalBytes, liveBytes }) => ({ segment, totalBytes, liveBytes }));
  }

  /** A tombstone is needed while a segment it must outlive (firstSegment ≤ s < its own) still exists. */
  tombstoneNeeded(t: { segment: number; firstSegment: number }): boolean {
    for (const s of this.segments.keys()) if (s >= t.firstSegment && s < t.segment) return true;
    return false;
  }

  /** Forgets a segment whose live records have all been copied: unlinked, and the unlink made durable. */
  async retire(segment: number): Promise<void> {
    const seg = this.segments.get(segment);
    if (!seg || segment === this.#active?.segment) throw new Error(`cannot retire segment ${segment}`);
    await unlink(join(this.dir, segmentName(segment)));
    // Until the unlink is durable the old records may come back, so tombstones they need must stay.
    if (this.#opts.fsync) await this.io.fsyncDir(this.dir);
    this.segments.delete(segment);
    seg.retired = true;
    if (seg.reader && seg.reader.refs === 0) void closeQuietly(seg.reader.fh);
    for (const [id, t] of this.tombstones) {
      if (this.tombstoneNeeded(t)) continue;
      this.tombstones.delete(id);
      const home = this.segments.get(t.segment);
      if (home) home.liveBytes -= t.bytes;
    }
  }

  segmentPath(segment: number): string {
    return join(this.dir, segmentName(segment));
  }

  #release(seg: Segment, reader: NonNullable<Segment['reader']>): void {
    reader.refs -= 1;
    if (seg.retired && reader.refs === 0) void closeQuietly(reader.fh);
  }

  #kick(): void {
    if (this.#flushing || this.#queue.length === 0) return;
    this.#flushing = true;
    void this.#flush().finally(() => {
      this.#flushing = false;
      this.#kick();
    });
  }

  async #flush(): Promise<void> {
    const batch = this.#queue;
    this.#queue = [];
    const touched = new Set<string>();
    const items: Pending[] = [];
    for (const p of batch) {
      if (p.stillWanted && !p.stillWanted(touched)) p.resolve(false);
      else {
        touched.add(p.id);
        items.push(p);
      }
    }
    if (items.length === 0) return;
    try {
      if (this.#failed) throw this.#failed;
      const bytes = items.reduce((n, p) => n + p.record.length, 0);
      if (this.#active!.size > 0 && this.#active!.size + bytes > this.#opts.segmentMaxBytes) await this.#roll();
      const active = this.#active!;
      writeAllAt(active.fh, items.map((p) => p.record), active.size);
      if (this.#opts.fsync) {
        this.datasyncs += 1;
        await this.io.datasync(active.fh);
      }
      let offset = active.size;
      active.size += bytes;
      for (const p of items) {
        this.#apply(active.segment, offset, p.record);
        offset += p.record.length;
      }
    } catch (err) {
      // After a failed write or fsync the file's state is unknown (fsyncgate): refuse every later
      // write until a restart rescans the segments, rather than acknowledge on top of it.
      this.#failed ??= err as Error;
      for (const p of items) p.reject(err as Error);
      for (const p of this.#queue.splice(0)) p.reject(err as Error);
      return;
    }
    for (const p of items) p.resolve(true);
  }

  /** Applies one durable record to the index and the live/dead accounting (also used by the startup replay). */
  #apply(segment: number, offset: number, record: Buffer): void {
    const header = parseHeader(record, 0)!;
    const id = record.toString('latin1', HEADER_BYTES, HEADER_BYTES + header.idLength);
    const bytes = record.length;
    const seg = this.segments.get(segment)!;
    seg.totalBytes += bytes;
    const prev = this.index.get(id);
    if (prev) this.segments.get(prev.segment)!.liveBytes -= recordBytes(id.length, prev.length);
    const tomb = this.tombstones.get(id);
    if (tomb) {
      this.tombstones.delete(id);
      const home = this.segments.get(tomb.segment);
      if (home) home.liveBytes -= tomb.bytes;
    }
    const firstSegment = prev?.firstSegment ?? tomb?.firstSegment;
    if (header.kind === KIND_PUT) {
      this.index.set(id, { segment, offset, length: header.dataLength, mtime: header.mtime, firstSegment: firstSegment ?? segment });
      seg.liveBytes += bytes;
      return;
    }
    this.index.delete(id);
    // A tombstone that hides nothing older is dead on arrival.
    if (firstSegment === undefined) return;
    this.tombstones.set(id, { segment, firstSegment, bytes });
    seg.liveBytes += bytes;
  }

  /** Stops writing and lets another store open the directory (queued writes fail, as in a crash). */
  async close(): Promise<void> {
    this.#failed ??= new Error('pack store closed');
    await this.#opened?.catch(() => undefined);
    await this.#active?.fh.close().catch(() => undefined);
    for (const seg of this.segments.values()) if (seg.reader) void closeQuietly(seg.reader.fh);
    await this.#lock?.release();
  }

  async #open(): Promise<void> {
    const created = await mkdir(this.dir, { recursive: true });
    if (created && this.#opts.fsync) await this.io.fsyncDir(dirname(this.dir));
    this.#lock ??= await lockPackDir(this.dir);
    // A retry after a failed open replays from scratch.
    this.index = new PackIndex();
    this.segments.clear();
    this.tombstones.clear();
    const numbers = (await readdir(this.dir))
      .map((name) => SEGMENT_FILE.exec(name))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => parseInt(m[1]!, 16))
      .sort((a, b) => a - b);
    for (const [i, segment] of numbers.entries()) {
      const last = i === numbers.length - 1;
      const fh = await open(this.segmentPath(segment), last ? 'r+' : 'r');
      this.segments.set(segment, { segment, totalBytes: 0, liveBytes: 0 });
      const size = (await fh.stat()).size;
      const scan = scanSegment(fh, size);
      let r = await scan.next();
      for (; !r.done; r = await scan.next()) this.#apply(segment, r.value.offset, r.value.bytes);
      const end = r.value.end;
      if (!last) {
        await fh.close();
        continue;
      }
      if (end < size) {
        // A torn tail: a batch that was being written when we stopped, never acknowledged.
        await fh.truncate(end);
        if (this.#opts.fsync) await this.io.datasync(fh);
      }
      this.#active = { segment, fh, size: end };
    }
    if (!this.#active || this.#active.size >= this.#opts.segmentMaxBytes) await this.#roll();
  }

  async #roll(): Promise<void> {
    const segment = Math.max(-1, ...this.segments.keys()) + 1;
    const fh = await open(this.segmentPath(segment), 'wx', 0o640);
    // The new file's directory entry must be durable before any record in it is acknowledged.
    if (this.#opts.fsync) await this.io.fsyncDir(this.dir);
    const previous = this.#active;
    this.segments.set(segment, { segment, totalBytes: 0, liveBytes: 0 });
    this.#active = { segment, fh, size: 0 };
    if (previous) await previous.fh.close();
  }
}

/**
 * A record is small (packMaxBytes, 64 KiB by default) and was appended through the page cache, so
 * it is almost always still there: a pread on the event loop costs microseconds, where a trip
 * through libuv's thread pool wakes a worker thread and then the loop again. That handoff was
 * most of the blob's kernel time on a GET of 4 KiB at c1. nginx reads files this way by default.
 */
function readExactly(fh: FileHandle, length: number, position: number): Buffer {
  const buf = Buffer.allocUnsafe(length);
  for (let got = 0; got < length; ) {
    const bytesRead = readSync(fh.fd, buf, got, length - got, position + got);
    if (bytesRead <= 0) throw new Error(`pack segment is shorter than its index says (at ${position + got})`);
    got += bytesRead;
  }
  return buf;
}

/** A whole-blob read takes the record with it, so the CRC is checked before bytes are served. */
function readRecordData(fh: FileHandle, id: string, loc: { offset: number; length: number }): Buffer {
  const record = readExactly(fh, recordBytes(id.length, loc.length), loc.offset);
  const header = parseHeader(record, 0);
  if (!header || !crcMatches(record, header)) throw new Error(`pack record of ${id} fails its CRC check`);
  return record.subarray(HEADER_BYTES + id.length);
}

/**
 * Written on the event loop: a batch lands in the page cache (its fdatasync, the slow part, still
 * goes to the thread pool), and a thread-pool write per batch cost two thread wakeups per small
 * PUT at low concurrency. A batch is at most one record per waiting put.
 */
function writeAllAt(fh: FileHandle, buffers: Buffer[], position: number): void {
  const total = buffers.reduce((n, b) => n + b.length, 0);
  const bytesWritten = writevSync(fh.fd, buffers, position);
  if (bytesWritten === total) return;
  // A short writev (rare on regular files): finish byte-wise from where it stopped.
  const rest = Buffer.concat(buffers).subarray(bytesWritten);
  for (let done = 0; done < rest.length; ) {
    const written = writeSync(fh.fd, rest, done, rest.length - done, position + bytesWritten + done);
    if (written <= 0) throw new Error('short write: the file system accepted no bytes');
    done += written;
  }
}

async function closeQuietly(fh: Promise<FileHandle>): Promise<void> {
  await fh.then((h) => h.close()).catch(() => undefined);
}
