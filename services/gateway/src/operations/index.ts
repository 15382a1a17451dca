import type { OperationHandler } from '../context';
import type { OperationName } from '../router';
import { createBucket } from './create-bucket';
import { deleteBucket } from './delete-bucket';
import { deleteObject } from './delete-object';
import { getBucketLocation } from './get-bucket-location';
import { getObject } from './get-object';
import { headBucket } from './head-bucket';
import { headObject } from './head-object';
import { listBuckets } from './list-buckets';
import { listObjectsV2 } from './list-objects-v2';
import { putObject } from './put-object';

/** Operation name → handler. A parsed operation without a handler answers NotImplemented. */
export const OPERATIONS: Partial<Record<OperationName, OperationHandler>> = {
  ListBuckets: listBuckets,
  CreateBucket: createBucket,
  HeadBucket: headBucket,
  DeleteBucket: deleteBucket,
  GetBucketLocation: getBucketLocation,
  PutObject: putObject,
  GetObject: getObject,
  HeadObject: headObject,
  DeleteObject: deleteObject,
  ListObjectsV2: listObjectsV2,
};
