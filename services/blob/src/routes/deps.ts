import type { IncomingMessage } from 'node:http';
import { isValidBlobId, type BlobBackend } from '@excloud/blob-backend';
import { BLOB_ROUTES, type BlobCapability, type BlobCapabilityOp } from '@excloud/contracts';
import type { KeyRing } from '@excloud/crypto';
import { S3Error } from '@excloud/s3-protocol';
import { checkCapability, type CapabilityKeys } from '@excloud/service-kit';
import { BLOB_HEADERS, header } from '../request-headers';
import type { BlobMetrics } from '../metrics';

/** What every route handler needs; built once in service.ts. */
export interface BlobRouteDeps {
  backend: BlobBackend;
  keyRing: KeyRing;
  metrics: BlobMetrics;
  capabilityKeys: CapabilityKeys;
}

/** Express 5 gives a `*id` wildcard as its path segments. */
export function blobIdParam(param: unknown): string {
  return Array.isArray(param) ? param.join('/') : String(param ?? '');
}

/**
 * The blob a hot route acts on, from `/v1/blobs/<id>`, and the capability that must name it for
 * `op`. Tenants never touch each other's blobs: the capability binds the id to its org.
 */
export function authorizeBlob(deps: BlobRouteDeps, req: IncomingMessage, op: BlobCapabilityOp): BlobCapability {
  const raw = (req.url ?? '').slice(BLOB_ROUTES.blobPrefix.length);
  let blobId: string;
  try {
    blobId = raw.split('/').map(decodeURIComponent).join('/');
  } catch {
    throw new S3Error('InvalidArgument', 'invalid blob id');
  }
  const capability = checkCapability(deps.capabilityKeys, header(req, BLOB_HEADERS.capability), op, blobId);
  if (!isValidBlobId(blobId)) throw new S3Error('InvalidArgument', 'invalid blob id');
  return capability;
}
