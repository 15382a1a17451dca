import type { OperationHandler } from '../context';
import type { OperationName } from '../router';
import { abortMultipartUpload } from './abort-multipart-upload';
import { completeMultipartUpload } from './complete-multipart-upload';
import { createMultipartUpload } from './create-multipart-upload';
import { listMultipartUploads } from './list-multipart-uploads';
import { listParts } from './list-parts';
import { uploadPart } from './upload-part';
import { uploadPartCopy } from './upload-part-copy';
import { getBucketVersioning, putBucketVersioning } from './bucket-versioning';
import { copyObject } from './copy-object';
import { createBucket } from './create-bucket';
import { deleteBucket } from './delete-bucket';
import { deleteObject } from './delete-object';
import { deleteObjects } from './delete-objects';
import { getBucketAcl } from './get-bucket-acl';
import { getBucketLocation } from './get-bucket-location';
import { getObjectAcl } from './get-object-acl';
import { putBucketAcl } from './put-bucket-acl';
import { putObjectAcl } from './put-object-acl';
import { getObject } from './get-object';
import { headBucket } from './head-bucket';
import { headObject } from './head-object';
import { listBuckets } from './list-buckets';
import { listObjectVersions } from './list-object-versions';
import { listObjects } from './list-objects';
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
  ListObjects: listObjects,
  GetBucketAcl: getBucketAcl,
  PutBucketAcl: putBucketAcl,
  GetObjectAcl: getObjectAcl,
  PutObjectAcl: putObjectAcl,
  ListObjectVersions: listObjectVersions,
  CopyObject: copyObject,
  CreateMultipartUpload: createMultipartUpload,
  UploadPart: uploadPart,
  UploadPartCopy: uploadPartCopy,
  CompleteMultipartUpload: completeMultipartUpload,
  AbortMultipartUpload: abortMultipartUpload,
  ListParts: listParts,
  ListMultipartUploads: listMultipartUploads,
  DeleteObjects: deleteObjects,
  GetBucketVersioning: getBucketVersioning,
  PutBucketVersioning: putBucketVersioning,
};
