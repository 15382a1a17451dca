import { BlobNotFoundError, InvalidBlobIdError } from '@excloud/blob-backend';
import { S3Error } from '@excloud/s3-protocol';

/**
 * Backend errors as the S3 errors callers understand. Anything unexpected passes through and
 * becomes a logged InternalError in the app's error handler.
 */
export function toS3Error(err: unknown): unknown {
  if (err instanceof S3Error) return err;
  if (err instanceof BlobNotFoundError) return new S3Error('NoSuchKey', 'blob not found');
  if (err instanceof InvalidBlobIdError) return new S3Error('InvalidArgument', err.message);
  // A full volume is an outage the client should retry later (503), not a bug (500).
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') return new S3Error('ServiceUnavailable', 'blob storage is full');
  return err;
}
