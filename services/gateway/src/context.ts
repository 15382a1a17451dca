import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import type { AuthClient, BlobClient, MetadataClient } from '@excloud/internal-client';
import type { Logger } from '@excloud/service-kit';
import type { AnyCaller } from './authenticate';
import type { GatewayConfig } from './config';
import type { S3Operation } from './router';

export interface Services {
  auth: AuthClient;
  metadata: MetadataClient;
  blob: BlobClient;
}

/** Everything an operation handler needs; handlers return an S3Result and never touch the response. */
export interface OperationContext {
  req: IncomingMessage;
  requestId: string;
  log: Logger;
  operation: S3Operation;
  query: URLSearchParams;
  caller: AnyCaller;
  services: Services;
  config: GatewayConfig;
  /** The S3 Owner of everything in this org. */
  owner(): Promise<{ id: string; displayName: string }>;
}

export interface S3Result {
  status?: number;
  headers?: Record<string, string | undefined>;
  xml?: string;
  body?: Readable;
}

export type OperationHandler = (ctx: OperationContext) => Promise<S3Result>;

/** Narrow the optional bucket/key of a parsed operation where the route guarantees them. */
export function bucketOf(ctx: OperationContext): string {
  return ctx.operation.bucket!;
}

export function keyOf(ctx: OperationContext): string {
  return ctx.operation.key!;
}
