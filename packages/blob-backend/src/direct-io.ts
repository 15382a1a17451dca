import { constants } from 'node:fs';
import { open, rm, type FileHandle } from 'node:fs/promises';

/**
 * O_DIRECT wants the buffer address, the file offset and the length aligned to the device's logical
 * block; 4096 covers both 512-byte and 4 KiB-sector disks.
 */
export const DIRECT_IO_ALIGNMENT = 4096;
export const DIRECT_STAGING_SIZE = 1024 * 1024;
const WASM_PAGE = 64 * 1024;

// The part of the WebAssembly global used here (the project's TS lib has no DOM/wasm typings).
declare const WebAssembly: { Memory: new (size: { initial: number; maximum: number }) => { buffer: ArrayBuffer } };

/**
 * Page-aligned 1 MiB staging buffers for direct writes. Node has no aligned allocation, but a
 * WebAssembly.Memory starts on a page boundary, so the buffers are carved from one (one, because V8
 * reserves ~10 GiB of address space, not RAM, for each). Pages become resident as puts use them.
 * When all are taken, a put writes through the page cache instead of waiting: a slow upload holding
 * a buffer must not stall anyone else.
 *
 * Once every buffer has been back for `idleMs`, the pool lets the memory go (the next collection
 * unmaps it) and carves a new one on the next put. Kept, the 32 MiB stayed resident through reads:
 * blob RSS 314 MiB moving 64 MiB objects at c32 in a whole bench run, over issue 5's 300 MiB.
 * Carving again costs a page fault per 4 KiB touched, a few ms per MiB, once per burst of puts.
 */
export class AlignedStagingPool {
  readonly #count: number;
  readonly #idleMs: number;
  #free: Buffer[] = [];
  #carved = false;
  #idleTimer: NodeJS.Timeout | undefined;

  constructor(count: number, idleMs = 5_000) {
    this.#count = count;
    this.#idleMs = idleMs;
  }

  tryAcquire(): Buffer | undefined {
    clearTimeout(this.#idleTimer);
    this.#idleTimer = undefined;
    if (!this.#carved) {
      this.#carved = true;
      const pages = (this.#count * DIRECT_STAGING_SIZE) / WASM_PAGE;
      const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
      for (let i = this.#count - 1; i >= 0; i--) this.#free.push(Buffer.from(memory.buffer, i * DIRECT_STAGING_SIZE, DIRECT_STAGING_SIZE));
    }
    return this.#free.pop();
  }

  /** Only once every write from `buf` has settled: the next put overwrites it. */
  release(buf: Buffer): void {
    this.#free.push(buf);
    if (this.#free.length === this.#count) {
      this.#idleTimer = setTimeout(() => this.#drop(), this.#idleMs);
      this.#idleTimer.unref();
    }
  }

  /** True while the pool holds its memory (tests). */
  get carved(): boolean {
    return this.#carved;
  }

  #drop(): void {
    this.#idleTimer = undefined;
    if (this.#free.length !== this.#count) return;
    this.#free = [];
    this.#carved = false;
  }
}

/**
 * One pool per process, shared by every backend in it: 32 concurrent direct puts, 32 MiB at most.
 * With 16, half the puts of the c32 cells went through the page cache (+1.5 ms of kernel CPU per
 * MiB): PUT 64 MiB c32 327 -> 406 MiB/s with 32, blob RSS 258 MiB there.
 */
export const DIRECT_STAGING_BUFFERS = 32;
export const directStaging = new AlignedStagingPool(DIRECT_STAGING_BUFFERS);

/** A put's temp file, opened for direct writes when `staging` is given and the file system takes them. */
export interface PutFile {
  fh: FileHandle;
  /** Set when the file is open with O_DIRECT: write only whole aligned blocks from it. */
  staging?: Buffer;
}

/**
 * Opens a new temp file for a put. Large blobs are written with O_DIRECT: the page-cache copy of a
 * buffered write cost 1.6–2.0 ms of kernel CPU per MiB on our VMs, against 0.1–0.5 ms direct (and
 * the bytes of a large blob rarely come back soon enough to be worth caching). A file system that
 * refuses O_DIRECT (tmpfs, some FUSE and network mounts) answers EINVAL; `onUnsupported` hears it
 * once and the put goes on buffered.
 */
export async function openPutFile(path: string, staging: Buffer | undefined, onUnsupported: () => void, openFile: typeof open = open): Promise<PutFile> {
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL;
  if (staging && constants.O_DIRECT !== undefined) {
    try {
      return { fh: await openFile(path, flags | constants.O_DIRECT, 0o640), staging };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EINVAL') throw err;
      onUnsupported();
      // Linux creates the file before it checks O_DIRECT.
      await rm(path, { force: true });
    }
  }
  return { fh: await openFile(path, flags, 0o640) };
}
