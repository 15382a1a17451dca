import { createHash, randomFillSync } from 'node:crypto';

export const KIB = 1024;
export const MIB = 1024 * 1024;

/**
 * An object body the generator PUTs and later expects back. Random bytes (nothing compresses or
 * dedups), digests computed once up front so no request pays for them.
 */
export class Payload {
  readonly md5Hex: string;
  private sha?: string;

  constructor(readonly data: Buffer) {
    this.md5Hex = createHash('md5').update(data).digest('hex');
  }

  static random(size: number): Payload {
    return new Payload(randomFillSync(Buffer.allocUnsafe(size)));
  }

  get size(): number {
    return this.data.length;
  }

  /** Hex SHA-256, only computed when the signed-payload mode asks for it. */
  get sha256Hex(): string {
    return (this.sha ??= createHash('sha256').update(this.data).digest('hex'));
  }

  /** Consecutive slices as parts (the last may be shorter). */
  parts(partSize: number): Payload[] {
    const out: Payload[] = [];
    for (let off = 0; off < this.size; off += partSize) out.push(new Payload(this.data.subarray(off, Math.min(this.size, off + partSize))));
    return out;
  }
}

/** One payload per size for the whole run, so GET can verify any object of that size. */
export class PayloadCache {
  private readonly bySize = new Map<number, Payload>();

  get(size: number): Payload {
    let p = this.bySize.get(size);
    if (!p) this.bySize.set(size, (p = Payload.random(size)));
    return p;
  }
}

export function sizeLabel(bytes: number): string {
  if (bytes >= MIB && bytes % MIB === 0) return `${bytes / MIB}m`;
  if (bytes >= KIB && bytes % KIB === 0) return `${bytes / KIB}k`;
  return `${bytes}b`;
}

export function humanSize(bytes: number): string {
  if (bytes >= MIB && bytes % MIB === 0) return `${bytes / MIB} MiB`;
  if (bytes >= KIB && bytes % KIB === 0) return `${bytes / KIB} KiB`;
  return `${bytes} B`;
}

/**
 * Compares a streamed body against the expected bytes chunk by chunk: stronger than an MD5 and
 * far cheaper (a memcmp), which keeps the generator off the CPU the servers need.
 */
export class BodyVerifier {
  private offset = 0;
  private mismatchAt = -1;

  constructor(private readonly expected: Buffer) {}

  readonly sink = (chunk: Buffer): void => {
    if (this.mismatchAt < 0) {
      const end = this.offset + chunk.length;
      if (end > this.expected.length || !chunk.equals(this.expected.subarray(this.offset, end))) this.mismatchAt = this.offset;
    }
    this.offset += chunk.length;
  };

  /** Throws unless exactly the expected bytes arrived. */
  check(): void {
    if (this.mismatchAt >= 0) throw new Error(`body differs from what was PUT (at byte ${this.mismatchAt})`);
    if (this.offset !== this.expected.length) throw new Error(`body length ${this.offset}, expected ${this.expected.length}`);
  }
}
