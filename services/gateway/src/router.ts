import { refuseUnsupportedSubresource } from './unsupported';

/**
 * Parse, then dispatch: a request becomes a typed S3 operation before anything else runs. Rules
 * are ordered specific-first (sub-resources and copy-source before the plain verb).
 */
export type OperationName =
  | 'ListBuckets'
  | 'CreateBucket'
  | 'HeadBucket'
  | 'DeleteBucket'
  | 'GetBucketLocation'
  | 'GetBucketVersioning'
  | 'PutBucketVersioning'
  | 'GetBucketAcl'
  | 'PutBucketAcl'
  | 'ListObjects'
  | 'ListObjectsV2'
  | 'ListObjectVersions'
  | 'ListMultipartUploads'
  | 'DeleteObjects'
  | 'PutObject'
  | 'CopyObject'
  | 'GetObject'
  | 'HeadObject'
  | 'DeleteObject'
  | 'GetObjectAcl'
  | 'PutObjectAcl'
  | 'CreateMultipartUpload'
  | 'UploadPart'
  | 'UploadPartCopy'
  | 'CompleteMultipartUpload'
  | 'AbortMultipartUpload'
  | 'ListParts';

export interface S3Operation {
  op: OperationName;
  bucket?: string;
  key?: string;
}

export class UnsupportedOperationError extends Error {
  constructor(readonly kind: 'NotImplemented' | 'MethodNotAllowed', message: string) {
    super(message);
  }
}

export function parseS3Request(input: {
  method: string;
  bucket?: string;
  key?: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
}): S3Operation {
  const { bucket, key, query } = input;
  const method = input.method.toUpperCase();
  const has = (name: string) => query.has(name);
  const op = (name: OperationName): S3Operation => ({ op: name, bucket, key });

  refuseUnsupportedSubresource(query);

  if (bucket === undefined) {
    if (method === 'GET') return op('ListBuckets');
    throw new UnsupportedOperationError('MethodNotAllowed', `${method} is not allowed on the service`);
  }

  if (key === undefined) {
    switch (method) {
      case 'GET':
        if (has('location')) return op('GetBucketLocation');
        if (has('versioning')) return op('GetBucketVersioning');
        if (has('acl')) return op('GetBucketAcl');
        if (has('uploads')) return op('ListMultipartUploads');
        if (has('versions')) return op('ListObjectVersions');
        if (query.get('list-type') === '2') return op('ListObjectsV2');
        return op('ListObjects');
      case 'HEAD':
        return op('HeadBucket');
      case 'PUT':
        if (has('versioning')) return op('PutBucketVersioning');
        if (has('acl')) return op('PutBucketAcl');
        return op('CreateBucket');
      case 'DELETE':
        return op('DeleteBucket');
      case 'POST':
        if (has('delete')) return op('DeleteObjects');
        break;
    }
    throw new UnsupportedOperationError('MethodNotAllowed', `${method} is not allowed on a bucket`);
  }

  const copySource = input.headers['x-amz-copy-source'] !== undefined;
  switch (method) {
    case 'GET':
      if (has('uploadId')) return op('ListParts');
      if (has('acl')) return op('GetObjectAcl');
      return op('GetObject');
    case 'HEAD':
      return op('HeadObject');
    case 'PUT':
      if (has('partNumber') && has('uploadId')) return op(copySource ? 'UploadPartCopy' : 'UploadPart');
      if (has('acl')) return op('PutObjectAcl');
      return op(copySource ? 'CopyObject' : 'PutObject');
    case 'POST':
      if (has('uploads')) return op('CreateMultipartUpload');
      if (has('uploadId')) return op('CompleteMultipartUpload');
      break;
    case 'DELETE':
      if (has('uploadId')) return op('AbortMultipartUpload');
      return op('DeleteObject');
  }
  throw new UnsupportedOperationError('MethodNotAllowed', `${method} is not allowed on an object`);
}
