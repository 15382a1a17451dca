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
  return err;
}
