/**
 * The storage port under the blob service. Backends move opaque bytes under opaque ids and know
 * nothing about buckets, keys, versions or encryption — those live above this interface, so a
 * backend stays small enough to verify with one shared conformance suite.
 */

/** Closed set: used as a metric label, so it must never carry free-form values. */
export type BlobBackendName = 'fs' | 'memory' | 's3';

export type BlobBody = AsyncIterable<Buffer | Uint8Array> | NodeJS.ReadableStream;

export interface BlobInfo {
  size: number;
  lastModified: Date;
}

export interface BlobListEntry extends BlobInfo {
  id: string;
}

export interface BlobBackend {
  readonly name: BlobBackendName;
  /** Stores the body under `id`. When the promise resolves the blob is durable; on rejection nothing is visible. */
  put(opts: { id: string; body: BlobBody }): Promise<{ size: number }>;
  /**
   * `range` is inclusive and addresses stored bytes; it must lie within the blob (RangeError otherwise).
   * `borrow`: the caller is done with each chunk by the time its 'data' handler returns (or before it
   * takes the next one), so the backend may hand out views of memory it reuses. A permission, not a
   * promise: backends that cannot reuse memory ignore it.
   * `mayBeMissing`: the caller guessed the id (a read-ahead), so BlobNotFoundError is an answer,
   * not a lost blob; only the instrumented decorator looks at it.
   */
  get(opts: { id: string; range?: { start: number; end: number }; borrow?: boolean; mayBeMissing?: boolean }): Promise<NodeJS.ReadableStream>;
  /**
   * The blob's stored bytes (or the inclusive range of them) as one Buffer, when the backend keeps
   * the blob whole in a small piece it can read at once (the filesystem backend's packed blobs);
   * undefined otherwise, and the caller uses get(). Small reads then skip a stream per request.
   */
  getSmall?(opts: { id: string; range?: { start: number; end: number }; mayBeMissing?: boolean }): Promise<Buffer | undefined>;
  head(opts: { id: string }): Promise<BlobInfo | null>;
  /** Idempotent: deleting a missing id succeeds. */
  delete(opts: { id: string }): Promise<void>;
  /** Ids in ascending byte order, optionally under a string prefix and strictly after `after` (for paging). */
  list(opts: { prefix?: string; after?: string; limit?: number }): AsyncIterable<BlobListEntry>;
  /** Readiness: resolves when the backend is usable, throws (with the reason) otherwise. */
  check(): Promise<void>;
  /** Only backends that keep small blobs packed into segment files (the filesystem one, when enabled). */
  readonly packs?: PackMaintenance;
}

/** Reclaiming the space of deleted packed blobs; driven by the janitor through the blob service. */
export interface PackMaintenance {
  compact(opts: { minDeadFraction: number }): Promise<{ segments: number; removedBytes: number; copiedBytes: number }>;
  /** Record bytes still live and already dead, summed over all segments. */
  stats(): Promise<{ segments: number; liveBytes: number; deadBytes: number }>;
}

/** `s3Code`: the S3 error the blob service answers with (s3-protocol's toS3Error reads it). */
export class BlobNotFoundError extends Error {
  override readonly name = 'BlobNotFoundError';
  readonly s3Code = 'NoSuchKey';
  readonly s3Message = 'blob not found';
  constructor(readonly id: string) {
    super(`blob not found: ${id}`);
  }
}

export class InvalidBlobIdError extends Error {
  override readonly name = 'InvalidBlobIdError';
  readonly s3Code = 'InvalidArgument';
}
