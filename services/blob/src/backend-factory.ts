import { S3Client } from '@aws-sdk/client-s3';
import { FilesystemBackend, S3Backend, S3_BACKEND_CLIENT_DEFAULTS, type BlobBackend } from '@excloud/blob-backend';
import type { BlobConfig, BlobS3Config } from './config';

function createS3Backend(s3: BlobS3Config): BlobBackend {
  // Credentials come from the SDK's default chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, profiles, IRSA…).
  const client = new S3Client({ ...S3_BACKEND_CLIENT_DEFAULTS, region: s3.region, endpoint: s3.endpoint, forcePathStyle: s3.forcePathStyle });
  return new S3Backend({ client, bucket: s3.bucket, prefix: s3.prefix });
}

export function createBlobBackend(config: Pick<BlobConfig, 'backend' | 'fsRoot' | 'fsync' | 'fsDirectIo' | 'fsPackMaxBytes' | 'fsPackSegmentBytes' | 's3'>): BlobBackend {
  if (config.backend === 's3') {
    if (!config.s3) throw new Error('BLOB_BACKEND=s3 needs the BLOB_S3_* settings');
    return createS3Backend(config.s3);
  }
  return new FilesystemBackend({ root: config.fsRoot, fsync: config.fsync, directIo: config.fsDirectIo, packMaxBytes: config.fsPackMaxBytes, packSegmentBytes: config.fsPackSegmentBytes });
}
