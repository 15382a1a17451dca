import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import type { AuthClient, BlobClient, MetadataClient } from '@excloud/internal-client';
import type { Logger } from '@excloud/service-kit';
import type { AnyCaller } from './authenticate';
import type { GatewayConfig } from './config';
import type { OperationName, OperationOf } from './operation-types';
import type { PostForm } from './post-form';
import type { BlobCache } from './blob-cache';
import type { ReadAhead } from './read-ahead';

export interface Services {
  auth: AuthClient;
  metadata: MetadataClient;
  blob: BlobClient;
  readAhead: ReadAhead;
  blobCache: BlobCache;
}

/**
 * Everything an operation handler needs; handlers return an S3Result and never touch the response.
 * `operation` is the handler's own variant, with its parameters already validated by the router.
 */
export interface OperationContext<N extends OperationName = OperationName> {
  req: IncomingMessage;
  requestId: string;
  log: Logger;
  operation: OperationOf<N>;
  caller: AnyCaller;
  services: Services;
  config: GatewayConfig;
  /** The S3 Owner of everything in this org. */
  owner(): Promise<{ id: string; displayName: string }>;
  /** A form-signed operation's form, read up to its file while authenticating (PostObject only). */
  form?: PostForm;
}

export interface S3Result {
  status?: number;
  headers?: Record<string, string | undefined>;
  xml?: string;
  /** A stream (relayed with backpressure), or a small body already whole (the blob cache's). */
  body?: Readable | Buffer;
}

export type OperationHandler<N extends OperationName> = (ctx: OperationContext<N>) => Promise<S3Result>;
