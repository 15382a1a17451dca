import type { TargetName } from '../cell-result';
import type { Payload } from '../payload';

/** The operations a cell can drive; both the S3 stack and nginx implement the object verbs. */
export interface ObjectTarget {
  readonly name: TargetName;
  put(key: string, payload: Payload, signal?: AbortSignal): Promise<void>;
  /** Fetches the object and throws unless its body is exactly `expected`. */
  get(key: string, expected: Payload, signal?: AbortSignal): Promise<void>;
  /** Throws unless the object exists with the expected length. */
  head(key: string, size: number, signal?: AbortSignal): Promise<void>;
  delete(key: string, signal?: AbortSignal): Promise<void>;
  /** Only S3: one ListObjectsV2 page; returns the key count and the next token. */
  listPage?(prefix: string, maxKeys: number, token: string | undefined, signal?: AbortSignal): Promise<{ keyCount: number; next?: string }>;
  /** Only S3: create, upload the parts `parallel` at a time, complete. */
  multipartPut?(key: string, parts: Payload[], parallel: number, signal?: AbortSignal): Promise<void>;
  close(): void;
}

/** The server does not offer this operation (S3 NotImplemented / 501): the cell reports it, not a failure. */
export class NotImplementedError extends Error {}
