/**
 * Backend errors carry the S3 error they become (`s3Code`); the translation itself is
 * s3-protocol's, shared by every service. Wrapped so a full volume is named, and the blob routes keep one import.
 */
import { S3Error, toS3Error as translate } from '@excloud/s3-protocol';

export function toS3Error(err: unknown): unknown {
  // A full volume is an outage the client should retry later (503), not a bug (500).
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') return new S3Error('ServiceUnavailable', 'blob storage is full');
  return translate(err);
}
