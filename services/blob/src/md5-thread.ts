import { Worker } from 'node:worker_threads';

/**
 * MD5 (the ETag) of large put bodies on a thread of its own. On a put the blob process's event loop
 * reads the socket, encrypts and writes; MD5 alone was 1.2 ms of its ~2.7 ms of main-thread CPU per
 * MiB, and at 64 MiB c8 that thread was the bottleneck (97 % busy with a core to spare). Here it
 * costs a copy into shared memory (~0.08 ms/MiB) and the hashing runs in parallel.
 *
 * Protocol: a ring of slots in one SharedArrayBuffer, each holding one record (a piece of a job's
 * body, "finish" or "drop"). The event loop fills slots in order and the thread consumes them in
 * order, so a job's pieces are hashed in the order they were given. Each slot has a state word
 * (FREE/FULL) that the writer sets to FULL and the thread back to FREE, with Atomics on both sides.
 * A finished digest comes back as a message.
 */

const FREE = 0;
const FULL = 1;
const KIND_DATA = 0;
const KIND_FINISH = 1;
const KIND_DROP = 2;
/** Int32 words per slot in the control area: state, job, kind, length. */
const WORDS = 4;

// Plain CommonJS run with `eval`: no file to ship next to the compiled bundle.
const THREAD_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { sab, slots, slotBytes } = workerData;
const ctl = new Int32Array(sab, 0, slots * ${WORDS});
const data = Buffer.from(sab, slots * ${WORDS} * 4);
const jobs = new Map();
for (let slot = 0; ; slot = (slot + 1) % slots) {
  const at = slot * ${WORDS};
  while (Atomics.load(ctl, at) === ${FREE}) Atomics.wait(ctl, at, ${FREE});
  const job = ctl[at + 1], kind = ctl[at + 2], length = ctl[at + 3];
  if (kind === ${KIND_DATA}) {
    let hash = jobs.get(job);
    if (!hash) jobs.set(job, (hash = createHash('md5')));
    hash.update(data.subarray(slot * slotBytes, slot * slotBytes + length));
  } else {
    const hash = jobs.get(job);
    jobs.delete(job);
    if (kind === ${KIND_FINISH}) parentPort.postMessage({ job, md5: (hash ?? createHash('md5')).digest('hex') });
  }
  Atomics.store(ctl, at, ${FREE});
  Atomics.notify(ctl, at);
}
`;

interface PendingRecord {
  job: number;
  kind: number;
  bytes?: Buffer;
  placed?: () => void;
  failed?: (err: Error) => void;
}

// ES2024's Atomics.waitAsync; the project's lib is ES2022.
type WaitAsync = (ta: Int32Array, index: number, value: number) => { async: false; value: string } | { async: true; value: Promise<string> };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

export interface Md5ThreadOptions {
  slots?: number;
  slotBytes?: number;
}

export class Md5Thread {
  readonly #slots: number;
  readonly #slotBytes: number;
  readonly #ctl: Int32Array;
  readonly #data: Buffer;
  readonly #worker: Worker;
  /** Records waiting for a free slot, oldest first (each caller waits for its own before going on). */
  readonly #queue: PendingRecord[] = [];
  readonly #digests = new Map<number, { resolve: (md5: string) => void; reject: (err: Error) => void }>();
  #next = 0;
  #lastJob = 0;
  #waiting = false;
  #dead: Error | undefined;

  constructor(opts: Md5ThreadOptions = {}) {
    this.#slots = opts.slots ?? 64;
    this.#slotBytes = opts.slotBytes ?? 64 * 1024;
    const sab = new SharedArrayBuffer(this.#slots * WORDS * 4 + this.#slots * this.#slotBytes);
    this.#ctl = new Int32Array(sab, 0, this.#slots * WORDS);
    this.#data = Buffer.from(sab, this.#slots * WORDS * 4);
    this.#worker = new Worker(THREAD_SOURCE, { eval: true, workerData: { sab, slots: this.#slots, slotBytes: this.#slotBytes } });
    this.#worker.on('message', (msg: { job: number; md5: string }) => {
      const waiter = this.#digests.get(msg.job);
      this.#digests.delete(msg.job);
      waiter?.resolve(msg.md5);
    });
    this.#worker.on('error', (err) => this.#fail(err));
    this.#worker.on('exit', (code) => this.#fail(new Error(`the MD5 thread exited (code ${code})`)));
    // Idle, it only sleeps in Atomics.wait: it must not keep the process alive. (After the
    // listeners: adding a 'message' listener refs the worker again.)
    this.#worker.unref();
  }

  get alive(): boolean {
    return !this.#dead;
  }

  /** One body's MD5. Await what update() returns before the next update (that keeps pieces in order). */
  start(): Md5Job {
    if (this.#dead) throw this.#dead;
    // Int32 ids that wrap: only the jobs in flight at one time need to differ.
    this.#lastJob = (this.#lastJob + 1) | 0;
    return new Md5Job(this, this.#lastJob);
  }

  /** Queues one record; a promise when it could not be placed yet (the caller's backpressure). */
  send(job: number, kind: number, bytes?: Buffer): Promise<void> | undefined {
    if (this.#dead) throw this.#dead;
    if (bytes && bytes.length > this.#slotBytes) return this.#sendPieces(job, bytes);
    const record: PendingRecord = { job, kind, bytes };
    this.#queue.push(record);
    this.#pump();
    if (this.#queue.length === 0) return undefined;
    return new Promise((resolve, reject) => {
      record.placed = resolve;
      record.failed = reject;
    });
  }

  digest(job: number): Promise<string> {
    if (this.#dead) return Promise.reject(this.#dead);
    const result = new Promise<string>((resolve, reject) => this.#digests.set(job, { resolve, reject }));
    // The answer (or the thread's death) settles `result`; placing the record needs no waiting here.
    this.send(job, KIND_FINISH)?.catch(() => undefined);
    return result;
  }

  drop(job: number): void {
    if (this.#dead) return;
    this.send(job, KIND_DROP)?.catch(() => undefined);
  }

  /** For tests and shutdown: stops the thread; jobs still running fail. */
  async close(): Promise<void> {
    await this.#worker.terminate();
  }

  async #sendPieces(job: number, bytes: Buffer): Promise<void> {
    for (let off = 0; off < bytes.length; off += this.#slotBytes) {
      const waiting = this.send(job, KIND_DATA, bytes.subarray(off, off + this.#slotBytes));
      if (waiting) await waiting;
    }
  }

  /** Fills free slots from the queue in order; when the next slot is still FULL, waits for the thread to free it. */
  #pump(): void {
    while (this.#queue.length > 0) {
      const slot = this.#next;
      const at = slot * WORDS;
      if (Atomics.load(this.#ctl, at) !== FREE) {
        this.#waitForSlot(at);
        return;
      }
      const record = this.#queue.shift()!;
      const length = record.bytes?.length ?? 0;
      if (record.bytes) record.bytes.copy(this.#data, slot * this.#slotBytes);
      this.#ctl[at + 1] = record.job;
      this.#ctl[at + 2] = record.kind;
      this.#ctl[at + 3] = length;
      Atomics.store(this.#ctl, at, FULL);
      Atomics.notify(this.#ctl, at);
      this.#next = (slot + 1) % this.#slots;
      record.placed?.();
    }
  }

  #waitForSlot(at: number): void {
    if (this.#waiting) return;
    this.#waiting = true;
    const result = waitAsync(this.#ctl, at, FULL);
    const resume = () => {
      this.#waiting = false;
      if (!this.#dead) this.#pump();
    };
    if (result.async) void result.value.then(resume);
    else queueMicrotask(resume);
  }

  #fail(err: Error): void {
    if (this.#dead) return;
    this.#dead = err;
    for (const record of this.#queue.splice(0)) record.failed?.(err);
    for (const waiter of this.#digests.values()) waiter.reject(err);
    this.#digests.clear();
  }
}

export class Md5Job {
  readonly #thread: Md5Thread;
  readonly #id: number;

  constructor(thread: Md5Thread, id: number) {
    this.#thread = thread;
    this.#id = id;
  }

  update(chunk: Buffer): Promise<void> | undefined {
    return chunk.length === 0 ? undefined : this.#thread.send(this.#id, KIND_DATA, chunk);
  }

  digest(): Promise<string> {
    return this.#thread.digest(this.#id);
  }

  /** The body failed: the thread forgets this job's state. */
  drop(): void {
    this.#thread.drop(this.#id);
  }
}

let shared: Md5Thread | undefined;

/** The process's MD5 thread, started on first use and again if it died. */
export function md5Thread(): Md5Thread {
  if (!shared?.alive) shared = new Md5Thread();
  return shared;
}
