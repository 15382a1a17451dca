/**
 * Backend errors carry the S3 error they become (`s3Code`); the translation itself is
 * s3-protocol's, shared by every service. Re-exported so the blob routes keep one import.
 */
export { toS3Error } from '@excloud/s3-protocol';
