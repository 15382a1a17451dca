import { createHash, type Hash } from 'node:crypto';
import { checksumAlgorithmOf, type ChecksumAlgorithm, type Checksums } from '@excloud/contracts';
import { S3Error } from '@excloud/s3-protocol';
import { createChecksum, type Checksum } from '@excloud/sigv4';
import { Md5Job } from './md5-thread';

export interface PlaintextDigests {
  size: number;
  md5: string; // hex
  /** hex; only when a SHA256 checksum was asked for (the gateway checks signed payload hashes itself). */
  sha256?: string;
  checksums: Checksums; // base64
}

export interface DigestLimits {
  /** Plaintext bytes allowed; one more is EntityTooLarge. */
  maxSize?: number;
  /** Bytes the caller promised; ending short is IncompleteBody. */
  contentLength?: number;
}

/**
 * MD5 (the ETag) and the requested S3 checksums over the plaintext, with the size limits enforced
 * as bytes arrive. The PUT route feeds it before the encryptor, so a limit violation fails the body
 * before the backend can see it complete: nothing gets stored.
 */
export class BodyDigests {
  /** Inline for small bodies; on the MD5 thread (see md5-thread.ts) when the route asks for it. */
  readonly #md5: Hash | Md5Job;
  readonly #checksums: Array<[ChecksumAlgorithm, Checksum]>;
  readonly #wantSha256Checksum: boolean;
  readonly #limits: DigestLimits;
  #size = 0;

  constructor(algorithms: readonly ChecksumAlgorithm[], limits: DigestLimits = {}, md5?: Md5Job) {
    this.#md5 = md5 ?? createHash('md5');
    // Hashing 64 MiB costs ~100 ms of CPU per digest: compute only what someone will read.
    this.#wantSha256Checksum = algorithms.includes('SHA256');
    this.#checksums = [...new Set(algorithms)].map((alg) => [alg, createChecksum(alg)]);
    this.#limits = limits;
  }

  /**
   * Throws the S3Error the caller answers with when the body breaks a limit. A promise means the
   * MD5 thread has no room yet: await it before the next update.
   */
  update(chunk: Buffer): Promise<void> | undefined {
    this.#size += chunk.length;
    const { maxSize, contentLength } = this.#limits;
    if (maxSize !== undefined && this.#size > maxSize) {
      throw new S3Error('EntityTooLarge', undefined, { MaxSizeAllowed: String(maxSize) });
    }
    if (contentLength !== undefined && this.#size > contentLength) {
      throw new S3Error('InvalidRequest', `body is longer than the declared ${contentLength} bytes`);
    }
    for (const [, checksum] of this.#checksums) checksum.update(chunk);
    if (!(this.#md5 instanceof Md5Job)) {
      this.#md5.update(chunk);
      return undefined;
    }
    const waiting = this.#md5.update(chunk);
    // Handled here too: a caller that stops pulling (the backend failed) may never await it.
    waiting?.catch(() => undefined);
    return waiting;
  }

  /**
   * The body ended: throws IncompleteBody at once when it is shorter than declared, else returns its
   * digests, which may still wait for the MD5 thread. The caller can store the last frame meanwhile:
   * the thread's tail and its answer then overlap the backend's final write and flush.
   */
  finish(): Promise<PlaintextDigests> {
    const { contentLength } = this.#limits;
    if (contentLength !== undefined && this.#size < contentLength) {
      throw new S3Error('IncompleteBody', `body ended after ${this.#size} of ${contentLength} bytes`);
    }
    const checksums: Checksums = {};
    for (const [alg, checksum] of this.#checksums) checksums[alg] = checksum.digestBase64();
    const sha256 = this.#wantSha256Checksum ? Buffer.from(checksums.SHA256!, 'base64').toString('hex') : undefined;
    const size = this.#size;
    if (!(this.#md5 instanceof Md5Job)) return Promise.resolve({ size, md5: this.#md5.digest('hex'), sha256, checksums });
    return this.#md5.digest().then((md5) => ({ size, md5, sha256, checksums }));
  }

  /** The body failed: nothing more will come (frees the MD5 thread's state for it). */
  abandon(): void {
    if (this.#md5 instanceof Md5Job) this.#md5.drop();
  }
}

/** Parses `x-blob-checksums: CRC32,SHA256`; an unknown name is the caller's bug, not ignorable. */
export function parseChecksumList(header: string | undefined): ChecksumAlgorithm[] {
  if (header === undefined || header.trim() === '') return [];
  const out: ChecksumAlgorithm[] = [];
  for (const raw of header.split(',')) {
    const name = checksumAlgorithmOf(raw);
    if (!name) throw new S3Error('InvalidArgument', `unknown checksum algorithm ${JSON.stringify(raw.trim())}`);
    if (!out.includes(name)) out.push(name);
  }
  return out;
}
