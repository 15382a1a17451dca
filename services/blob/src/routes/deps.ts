import type { BlobBackend } from '@excloud/blob-backend';
import type { KeyRing } from '@excloud/crypto';
import type { OrgId } from '@excloud/contracts';
import { S3Error } from '@excloud/s3-protocol';
import { isValidBlobId } from '@excloud/blob-backend';
import { ownsBlob } from '../blob-id';
import type { BlobMetrics } from '../metrics';

/** What every route handler needs; built once in service.ts. */
export interface BlobRouteDeps {
  backend: BlobBackend;
  keyRing: KeyRing;
  metrics: BlobMetrics;
}

/** Express 5 gives a `*id` wildcard as its path segments. */
export function blobIdParam(param: unknown): string {
  return Array.isArray(param) ? param.join('/') : String(param ?? '');
}

/** Tenants never touch each other's blobs: ownership is decided by the id's org prefix alone. */
export function assertOwnedBlobId(orgId: OrgId, blobId: string): void {
  if (!ownsBlob(orgId, blobId)) throw new S3Error('AccessDenied', 'blob belongs to another org');
  if (!isValidBlobId(blobId)) throw new S3Error('InvalidArgument', 'invalid blob id');
}
