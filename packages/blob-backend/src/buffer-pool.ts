/**
 * Idle buffers of one size kept for reuse, at most `maxIdle` of them; a burst beyond that allocates
 * and lets the extras go. Fresh large Buffers are what drove page faults and full collections on the
 * data path, so hot paths take theirs from a pool.
 */
export class BufferPool {
  readonly #idle: Buffer[] = [];

  constructor(
    readonly size: number,
    readonly maxIdle: number,
  ) {}

  take(): Buffer {
    return this.#idle.pop() ?? Buffer.allocUnsafeSlow(this.size);
  }

  /** Only once nothing reads or writes it any more: the next taker overwrites it. */
  give(buf: Buffer): void {
    if (this.#idle.length < this.maxIdle) this.#idle.push(buf);
  }
}
