import { randomBytes } from 'node:crypto';
import { close, constants, createReadStream, existsSync, fstatSync, openSync, unlinkSync } from 'node:fs';
import { access, lstat, type FileHandle, mkdir, readdir, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { blobPath, errCode, isMissing, walkBlobTree } from './blob-tree';
import { dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { BlobNotFoundError, type BlobBackend, type BlobBody, type BlobInfo, type BlobListEntry, type PackMaintenance } from './backend';
import { mergeById, takeSmallBody } from './pack-body';
import { compactPack, type CompactionOptions, type CompactionResult } from './pack-compaction';
import { PackStore, type PackIo } from './pack-store';
import { assertRangeWithin, assertValidBlobId, validateListOptions } from './validation';
import { takeBody } from './body';
import { writeBodyToFile } from './write-file';
import { directStaging, openPutFile } from './direct-io';
import { BORROWED_READ_SIZE, BorrowedFileStream } from './borrowed-read';
import { DirectorySyncer, fsyncDir, noop } from './directory-syncer';

export { DirectorySyncer } from './directory-syncer';

/** Tests also reach the compaction's crash points through this. */
export interface FsPackMaintenance extends PackMaintenance {
  compact(opts: CompactionOptions): Promise<CompactionResult>;
}

export interface FilesystemBackendOptions {
  root: string;
  /** `false` trades crash durability for speed — only for tests and throwaway data. */
  fsync?: boolean;
  /** Bodies of at most this many bytes are appended to pack segments instead of files; 0 (default) disables. */
  packMaxBytes?: number;
  /** A pack segment rolls over to a new file at about this size. */
  packSegmentBytes?: number;
  /**
   * The pack index holds every packed id in memory (about 170 bytes each, measured with
   * `<org>/<yyyymmdd>/<ulid>` ids): past this many, small puts go to files again, so the index
   * stays under ~85 MB whatever the volume holds (services run with a 160 MiB heap: SERVICE_NODE_FLAGS).
   */
  packMaxEntries?: number;
  /** Tests count or fail the pack's syncs through this. */
  packIo?: PackIo;
  /** Blob files are written with O_DIRECT where the file system allows it (default true; see openPutFile). */
  directIo?: boolean;
}

/**
 * Blobs as files under `<root>/blobs/<id>`. A put is written to `<root>/.tmp/`, renamed into place,
 * and then the file and its directory are fsynced together: readers see a blob absent or complete,
 * and a resolved put survives power loss. A crash before a put resolves may leave its blob partly
 * written under its id; ids are never reused and a blob is referenced only after its put resolved,
 * so that is an orphan like any other and the janitor's sweep removes it. Crash leftovers in `.tmp`
 * are removed by sweepTemp.
 *
 * With `packMaxBytes`, small bodies skip the file create and both fsyncs: they are appended to
 * segment files under `<root>/pack/` with group commit (see PackStore). An id lives in one layout
 * only: a put in one removes what an earlier put of the same id left in the other.
 */
export class FilesystemBackend implements BlobBackend {
  readonly name = 'fs' as const;
  readonly root: string;
  readonly #fsync: boolean;
  /** Cleared for good when the file system refuses O_DIRECT. */
  #directIo: boolean;
  readonly #tmpDir: string;
  readonly #blobsDir: string;
  #ready: Promise<void> | undefined;
  readonly #dirSync = new DirectorySyncer();
  /** Blob directories known to exist (per org per day, so few): a put skips mkdir for them. */
  readonly #knownDirs = new Set<string>();
  readonly #pack: PackStore | undefined;
  readonly #packMaxBytes: number;
  readonly #packMaxEntries: number;
  #compaction: Promise<unknown> = Promise.resolve();
  readonly packs: FsPackMaintenance | undefined;

  constructor(opts: FilesystemBackendOptions) {
    this.root = resolve(opts.root);
    this.#fsync = opts.fsync ?? true;
    this.#directIo = opts.directIo ?? true;
    this.#tmpDir = join(this.root, '.tmp');
    this.#blobsDir = join(this.root, 'blobs');
    this.#packMaxBytes = opts.packMaxBytes ?? 0;
    this.#packMaxEntries = opts.packMaxEntries ?? 500_000;
    if (this.#packMaxBytes > 0) {
      const pack = new PackStore({ dir: join(this.root, 'pack'), fsync: this.#fsync, segmentMaxBytes: opts.packSegmentBytes ?? 64 * 1024 * 1024, io: opts.packIo });
      this.#pack = pack;
      this.packs = {
        // One compaction at a time: two would copy the same live records twice.
        compact: (o) => {
          const run = this.#compaction.then(() => compactPack(pack, o));
          this.#compaction = run.catch(noop);
          return run;
        },
        stats: async () => {
          await pack.ready();
          const all = pack.stats();
          const liveBytes = all.reduce((n, s) => n + s.liveBytes, 0);
          return { segments: all.length, liveBytes, deadBytes: all.reduce((n, s) => n + s.totalBytes, 0) - liveBytes };
        },
      };
    }
  }

  async put(opts: { id: string; body: BlobBody }): Promise<{ size: number }> {
    assertValidBlobId(opts.id);
    let body: AsyncIterable<Buffer> = takeBody(opts.body);
    if (this.#pack && this.#pack.index.size < this.#packMaxEntries) {
      const taken = await takeSmallBody(body as AsyncGenerator<Buffer>, this.#packMaxBytes);
      if ('small' in taken) return this.#putPacked(opts.id, taken.small);
      body = taken.large;
    }
    await this.#ensureDirs();
    const tmp = join(this.#tmpDir, `put-${Date.now()}-${randomBytes(8).toString('hex')}`);
    const target = this.#path(opts.id);
    const staging = this.#directIo ? directStaging.tryAcquire() : undefined;
    let closed = false;
    let renamed = false;
    let fh: FileHandle | undefined;
    try {
      const file = await openPutFile(tmp, staging, () => (this.#directIo = false));
      fh = file.fh;
      const size = await writeBodyToFile(fh, body, file.staging);
      const created = await this.#renameIntoPlace(tmp, target);
      renamed = true;
      // The bytes and the new name are flushed at once, not one after the other: the put is answered
      // only when both are durable, and until then no metadata row names this (never reused) id.
      if (this.#fsync) await Promise.all([fh.datasync(), this.#syncNewEntries(dirname(target), created)]);
      await fh.close();
      closed = true;
      await this.#pack?.delete(opts.id);
      return { size };
    } catch (err) {
      if (!closed) await fh?.close().catch(() => undefined);
      await rm(tmp, { force: true }).catch(() => undefined);
      // Ids are never reused, so removing what we just renamed can't hit someone else's blob;
      // a rejected put must not leave a visible blob behind.
      if (renamed) await rm(target, { force: true }).catch(() => undefined);
      throw err;
    } finally {
      // Every write from it has settled (writeBodyToFile awaits each one).
      if (staging) directStaging.release(staging);
    }
  }

  async get(opts: { id: string; range?: { start: number; end: number }; borrow?: boolean }): Promise<NodeJS.ReadableStream> {
    // getSmall validates the id. Bytes are in memory already (small by definition), so nothing can change under the reader.
    const data = await this.getSmall(opts);
    if (data) return Readable.from(data.length > 0 ? [data] : []);
    // Open first so "not found" is a rejection here rather than an error on the returned stream.
    // Open, stat and close run on the event loop (microseconds on a cached directory entry, as
    // nginx does them): through the thread pool each cost two thread wakeups per GET.
    let fd: number;
    try {
      fd = openSync(this.#path(opts.id), 'r');
    } catch (err) {
      if (isMissing(err)) throw new BlobNotFoundError(opts.id);
      throw err;
    }
    try {
      const st = fstatSync(fd);
      if (!st.isFile()) throw new BlobNotFoundError(opts.id);
      if (opts.range) assertRangeWithin(opts.range, st.size, opts.id);
      // An open descriptor keeps reading the same bytes even if the blob is deleted meanwhile.
      if (opts.borrow) return new BorrowedFileStream(fd, opts.range?.start ?? 0, opts.range ? opts.range.end + 1 : st.size);
      const highWaterMark = BORROWED_READ_SIZE;
      return createReadStream('', { fd, highWaterMark, ...(opts.range ? { start: opts.range.start, end: opts.range.end } : {}) });
    } catch (err) {
      close(fd, noop); // the first failure is the one to report, not the close's
      throw err;
    }
  }

  /** A packed blob's bytes, read on the event loop in one piece; undefined for a blob in its own file. */
  async getSmall(opts: { id: string; range?: { start: number; end: number } }): Promise<Buffer | undefined> {
    assertValidBlobId(opts.id);
    if (!this.#pack) return undefined;
    await this.#pack.ready();
    const loc = this.#pack.index.get(opts.id);
    if (!loc) return undefined;
    if (opts.range) assertRangeWithin(opts.range, loc.length, opts.id);
    return this.#pack.read(opts.id, opts.range);
  }

  async head(opts: { id: string }): Promise<BlobInfo | null> {
    assertValidBlobId(opts.id);
    if (this.#pack) {
      await this.#pack.ready();
      const loc = this.#pack.index.get(opts.id);
      if (loc) return { size: loc.length, lastModified: new Date(loc.mtime) };
    }
    try {
      const st = await stat(this.#path(opts.id));
      return st.isFile() ? { size: st.size, lastModified: st.mtime } : null;
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
  }

  /**
   * No fsync and no pruning of empty directories: a delete lost in a crash only resurrects an
   * orphan that the sweep removes again, and pruning would race with puts into the same directory
   * (directories are per org per day, so they stay few).
   */
  async delete(opts: { id: string }): Promise<void> {
    assertValidBlobId(opts.id);
    // Durable before we answer: the tombstone's batch is synced like any put.
    await this.#pack?.delete(opts.id);
    const path = this.#path(opts.id);
    try {
      await unlink(path);
    } catch (err) {
      if (isMissing(err)) return;
      // unlink on a directory (an id that is only a prefix of other ids): nothing to delete.
      if (errCode(err) === 'EISDIR' || errCode(err) === 'EPERM') {
        const st = await lstat(path).catch(() => null);
        if (!st || st.isDirectory()) return;
      }
      throw err;
    }
  }

  async *list(opts: { prefix?: string; after?: string; limit?: number }): AsyncGenerator<BlobListEntry> {
    const { prefix, after, limit } = validateListOptions(opts);
    if (limit === 0) return;
    // Start at the deepest directory the prefix fully names ('org1/2025' starts in 'org1/').
    const startDir = prefix.slice(0, prefix.lastIndexOf('/') + 1);
    let count = 0;
    const files = walkBlobTree(this.#blobsDir, startDir, prefix, after);
    for await (const entry of this.#pack ? mergeById(this.#packedList(this.#pack, prefix, after), files) : files) {
      yield entry;
      if (++count >= limit) return;
    }
  }

  /** Readiness: the directories exist and a file can actually be created (catches read-only mounts, full disks). */
  async check(): Promise<void> {
    await this.#ensureDirs();
    await this.#pack?.ready();
    await access(this.#blobsDir, constants.R_OK | constants.W_OK | constants.X_OK);
    const probe = join(this.#tmpDir, `probe-${randomBytes(8).toString('hex')}`);
    await writeFile(probe, 'ok', { flag: 'wx' });
    await unlink(probe);
  }

  /** Releases the pack segments (and their single-writer lock); file-per-blob state needs no closing. */
  async close(): Promise<void> {
    await this.#pack?.close();
  }

  /**
   * Removes temp files older than `olderThanMs` (crash leftovers). In-flight puts keep their temp
   * file's mtime fresh with every write, so pick a threshold well above the slowest expected stall;
   * a put whose temp file was swept fails at rename instead of losing data silently.
   */
  async sweepTemp(opts: { olderThanMs: number }): Promise<{ removed: number }> {
    if (!Number.isFinite(opts.olderThanMs) || opts.olderThanMs < 0) throw new RangeError('olderThanMs must be >= 0');
    const cutoff = Date.now() - opts.olderThanMs;
    let names: string[];
    try {
      names = await readdir(this.#tmpDir);
    } catch (err) {
      if (isMissing(err)) return { removed: 0 };
      throw err;
    }
    let removed = 0;
    for (const name of names) {
      const path = join(this.#tmpDir, name);
      try {
        const st = await lstat(path);
        if (st.mtimeMs >= cutoff) continue;
        await rm(path, { force: true, recursive: st.isDirectory() });
        removed += 1;
      } catch (err) {
        if (!isMissing(err)) throw err;
      }
    }
    return { removed };
  }

  async #putPacked(id: string, data: Buffer): Promise<{ size: number }> {
    await this.#pack!.put(id, data);
    const path = this.#path(id);
    // A file of this id exists only if the id was stored before as a larger blob: almost never.
    // Checked on the event loop (the thread pool costs two thread wakeups per small PUT), and with
    // existsSync, which answers a miss without building the Error an unlinkSync of it throws
    // (1.3 against 5.6-8.2 µs here, more under load).
    if (!existsSync(path)) return { size: data.length };
    try {
      unlinkSync(path);
    } catch (err) {
      // Gone since the check, or a directory of longer ids: no file of this id to remove.
      const code = errCode(err);
      if (!isMissing(err) && code !== 'EISDIR' && code !== 'EPERM') {
        await this.#pack!.delete(id).catch(noop);
        throw err;
      }
    }
    return { size: data.length };
  }

  async *#packedList(pack: PackStore, prefix: string, after: string): AsyncGenerator<BlobListEntry> {
    await pack.ready();
    for (const id of pack.index.sortedIds(prefix, after)) {
      const loc = pack.index.get(id);
      if (loc) yield { id, size: loc.length, lastModified: new Date(loc.mtime) };
    }
  }

  /** Renames into the blob's directory, creating it only when it is not known to exist; returns the first directory created. */
  async #renameIntoPlace(tmp: string, target: string): Promise<string | undefined> {
    const dir = dirname(target);
    if (this.#knownDirs.has(dir)) {
      try {
        await rename(tmp, target);
        return undefined;
      } catch (err) {
        if (!isMissing(err)) throw err;
        this.#knownDirs.delete(dir); // removed behind our back: create it again below
      }
    }
    const created = await mkdir(dir, { recursive: true });
    await rename(tmp, target);
    if (this.#knownDirs.size > 10_000) this.#knownDirs.clear();
    this.#knownDirs.add(dir);
    return created;
  }

  #path(id: string): string {
    return blobPath(this.#blobsDir, id);
  }

  #ensureDirs(): Promise<void> {
    this.#ready ??= (async () => {
      const createdTmp = await mkdir(this.#tmpDir, { recursive: true });
      const createdBlobs = await mkdir(this.#blobsDir, { recursive: true });
      if (this.#fsync && (createdTmp || createdBlobs)) await this.#syncNewEntries(this.root, createdTmp ?? createdBlobs);
    })().catch((err: unknown) => {
      this.#ready = undefined; // let the next call retry (e.g. the volume was mounted late)
      throw err;
    });
    return this.#ready;
  }

  /**
   * Makes a rename durable: fsync the directory holding the new entry and, when mkdir had to create
   * directories, every parent whose entry list changed (up to the parent of the first one created).
   */
  async #syncNewEntries(dir: string, firstCreated: string | undefined): Promise<void> {
    await this.#dirSync.sync(dir);
    if (!firstCreated) return;
    const stop = dirname(firstCreated);
    for (let d = dir; d !== stop && d !== dirname(d); ) {
      d = dirname(d);
      await fsyncDir(d);
    }
  }
}
