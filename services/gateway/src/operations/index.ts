import type { OperationContext, OperationHandler, S3Result } from '../context';
import type { OperationName } from '../operation-types';
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
import { deleteObjectTagging } from './delete-object-tagging';
import { getObjectTagging } from './get-object-tagging';
import { putObjectTagging } from './put-object-tagging';
import { corsPreflight } from './cors-preflight';
import { deleteBucketCors } from './delete-bucket-cors';
import { getBucketCors } from './get-bucket-cors';
import { putBucketCors } from './put-bucket-cors';
import { postObject } from './post-object';

/** Operation name → handler, total: an operation the router knows but nobody handles does not compile. */
export const OPERATIONS: { [N in OperationName]: OperationHandler<N> } = {
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
  GetObjectTagging: getObjectTagging,
  PutObjectTagging: putObjectTagging,
  DeleteObjectTagging: deleteObjectTagging,
  GetBucketCors: getBucketCors,
  PutBucketCors: putBucketCors,
  DeleteBucketCors: deleteBucketCors,
  CorsPreflight: corsPreflight,
  PostObject: postObject,
};

/** Run the handler of `ctx.operation`. */
export function dispatch(ctx: OperationContext): Promise<S3Result> {
  // OPERATIONS[op] takes exactly the variant named op; TypeScript cannot correlate the two
  // through the union, so the (sound) call goes through one cast.
  const handler = OPERATIONS[ctx.operation.op] as OperationHandler<OperationName>;
  return handler(ctx);
}
