import type { IncomingHttpHeaders } from 'node:http';
import { parseCopySource } from './copy-source';
import { ACCESS, type OperationName, type OperationOf, type OperationParams, type S3Operation } from './operation-types';
import {
  decodeContinuationToken,
  parseEncodingType,
  parseIntParam,
  parseMaxKeys,
  parsePartNumber,
  parseResponseOverrides,
  parseUploadId,
} from './query-params';

export type { OperationName, S3Operation } from './operation-types';

/**
 * Parse, then dispatch: a request becomes a typed S3 operation before anything else runs.
 * Routing (which operation) and parameter validation are two steps so that the gateway can
 * authenticate in between: an unsigned or badly signed request learns nothing from our
 * parameter checks, as in S3 where authentication errors come first.
 */
export interface RequestLine {
  method: string;
  bucket?: string;
  key?: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
}

/** Sub-resources we recognise but do not offer: answered NotImplemented rather than misrouted. */
const UNSUPPORTED_SUBRESOURCES = [
  'accelerate', 'analytics', 'encryption', 'intelligent-tiering', 'inventory', 'lifecycle',
  'logging', 'metrics', 'notification', 'object-lock', 'ownershipControls', 'policy', 'policyStatus',
  'publicAccessBlock', 'replication', 'requestPayment', 'restore', 'retention', 'legal-hold',
  'select', 'torrent', 'website', 'attributes', 'session',
] as const;
/** Served on one level only: CORS is a bucket's, tags are an object's (bucket tagging is not offered). */
const BUCKET_ONLY_SUBRESOURCES = ['cors'] as const;
const OBJECT_ONLY_SUBRESOURCES = ['tagging'] as const;

export class UnsupportedOperationError extends Error {
  constructor(readonly kind: 'NotImplemented' | 'MethodNotAllowed', message: string) {
    super(message);
  }

  get s3Code(): string {
    return this.kind;
  }
}

/** Both steps at once: the operation with its validated parameters. */
export function parseS3Request(input: RequestLine): S3Operation {
  return parseOperation(routeS3Request(input), input);
}

/** Step 1: which operation. Rules are ordered specific-first (sub-resources and copy-source before the plain verb). */
export function routeS3Request(input: RequestLine): OperationName {
  const { bucket, key, query } = input;
  const method = input.method.toUpperCase();
  const has = (name: string) => query.has(name);

  const unsupported = UNSUPPORTED_SUBRESOURCES.find(has);
  if (unsupported) throw new UnsupportedOperationError('NotImplemented', `the ${unsupported} sub-resource is not supported`);

  // A browser preflight never carries a sub-resource worth routing on: it asks about the resource.
  if (method === 'OPTIONS' && bucket !== undefined) return 'CorsPreflight';
  const misplaced = (key === undefined ? OBJECT_ONLY_SUBRESOURCES : BUCKET_ONLY_SUBRESOURCES).find(has);
  if (misplaced) throw new UnsupportedOperationError('NotImplemented', `the ${misplaced} sub-resource is not supported here`);

  if (bucket === undefined) {
    if (method === 'GET') return 'ListBuckets';
    throw new UnsupportedOperationError('MethodNotAllowed', `${method} is not allowed on the service`);
  }

  if (key === undefined) {
    switch (method) {
      case 'GET':
        if (has('location')) return 'GetBucketLocation';
        if (has('versioning')) return 'GetBucketVersioning';
        if (has('acl')) return 'GetBucketAcl';
        if (has('cors')) return 'GetBucketCors';
        if (has('uploads')) return 'ListMultipartUploads';
        if (has('versions')) return 'ListObjectVersions';
        if (query.get('list-type') === '2') return 'ListObjectsV2';
        return 'ListObjects';
      case 'HEAD':
        return 'HeadBucket';
      case 'PUT':
        if (has('versioning')) return 'PutBucketVersioning';
        if (has('acl')) return 'PutBucketAcl';
        if (has('cors')) return 'PutBucketCors';
        return 'CreateBucket';
      case 'DELETE':
        if (has('cors')) return 'DeleteBucketCors';
        return 'DeleteBucket';
      case 'POST':
        if (has('delete')) return 'DeleteObjects';
        return 'PostObject';
    }
    throw new UnsupportedOperationError('MethodNotAllowed', `${method} is not allowed on a bucket`);
  }

  const copySource = input.headers['x-amz-copy-source'] !== undefined;
  switch (method) {
    case 'GET':
      if (has('uploadId')) return 'ListParts';
      if (has('acl')) return 'GetObjectAcl';
      if (has('tagging')) return 'GetObjectTagging';
      return 'GetObject';
    case 'HEAD':
      return 'HeadObject';
    case 'PUT':
      if (has('partNumber') && has('uploadId')) return copySource ? 'UploadPartCopy' : 'UploadPart';
      if (has('acl')) return 'PutObjectAcl';
      if (has('tagging')) return 'PutObjectTagging';
      return copySource ? 'CopyObject' : 'PutObject';
    case 'POST':
      if (has('uploads')) return 'CreateMultipartUpload';
      if (has('uploadId')) return 'CompleteMultipartUpload';
      break;
    case 'DELETE':
      if (has('uploadId')) return 'AbortMultipartUpload';
      if (has('tagging')) return 'DeleteObjectTagging';
      return 'DeleteObject';
  }
  throw new UnsupportedOperationError('MethodNotAllowed', `${method} is not allowed on an object`);
}

/** Step 2: the operation's parameters, validated (S3Error on a bad value). */
export function parseOperation<N extends OperationName>(name: N, input: RequestLine): OperationOf<N> {
  const params = PARAMS[name](input);
  // The mapped table guarantees PARAMS[name] builds OperationParams[N]; TypeScript cannot
  // correlate the generic index with the union member, hence the one cast.
  return { op: name, access: ACCESS[name], ...params } as unknown as OperationOf<N>;
}

function onBucket(r: RequestLine): { bucket: string } {
  // routeS3Request only names a bucket operation when the path has a bucket.
  if (r.bucket === undefined) throw new Error('router invariant: bucket operation without a bucket');
  return { bucket: r.bucket };
}

function onObject(r: RequestLine): { bucket: string; key: string } {
  if (r.key === undefined) throw new Error('router invariant: object operation without a key');
  return { ...onBucket(r), key: r.key };
}

function inUpload(r: RequestLine) {
  return { ...onObject(r), uploadId: parseUploadId(r.query.get('uploadId')) };
}

const opt = (q: URLSearchParams, name: string): string | undefined => q.get(name) ?? undefined;
/** An empty delimiter means none, as in S3. */
const delimiterOf = (q: URLSearchParams): string | undefined => q.get('delimiter') || undefined;

function copySourceOf(r: RequestLine) {
  const raw = r.headers['x-amz-copy-source'];
  return parseCopySource(Array.isArray(raw) ? raw.join(',') : raw);
}

function readObject(r: RequestLine): OperationParams['GetObject'] {
  const q = r.query;
  return {
    ...onObject(r),
    versionId: opt(q, 'versionId'),
    partNumber: q.has('partNumber') ? parsePartNumber(q.get('partNumber')) : undefined,
    responseHeaders: parseResponseOverrides(q),
  };
}

/** Total over the operation names: an operation without a parameter parser does not compile. */
const PARAMS: { [N in OperationName]: (r: RequestLine) => OperationParams[N] } = {
  ListBuckets: () => ({}),
  CreateBucket: onBucket,
  HeadBucket: onBucket,
  DeleteBucket: onBucket,
  GetBucketLocation: onBucket,
  GetBucketVersioning: onBucket,
  PutBucketVersioning: onBucket,
  GetBucketAcl: onBucket,
  PutBucketAcl: onBucket,
  ListObjects: (r) => ({
    ...onBucket(r),
    prefix: r.query.get('prefix') ?? '',
    delimiter: delimiterOf(r.query),
    marker: r.query.get('marker') ?? '',
    maxKeys: parseMaxKeys(r.query.get('max-keys')),
    encodingType: parseEncodingType(r.query.get('encoding-type')),
  }),
  ListObjectsV2: (r) => {
    // An empty continuation-token is no token (clients send `continuation-token=` on a first page).
    const raw = r.query.get('continuation-token') || null;
    return {
      ...onBucket(r),
      prefix: r.query.get('prefix') ?? '',
      delimiter: delimiterOf(r.query),
      maxKeys: parseMaxKeys(r.query.get('max-keys')),
      encodingType: parseEncodingType(r.query.get('encoding-type')),
      continuationToken: raw !== null ? { raw, after: decodeContinuationToken(raw) } : undefined,
      startAfter: opt(r.query, 'start-after'),
      fetchOwner: r.query.get('fetch-owner') === 'true',
    };
  },
  ListObjectVersions: (r) => ({
    ...onBucket(r),
    prefix: r.query.get('prefix') ?? '',
    delimiter: delimiterOf(r.query),
    keyMarker: r.query.get('key-marker') ?? '',
    versionIdMarker: r.query.get('version-id-marker') ?? '',
    maxKeys: parseMaxKeys(r.query.get('max-keys')),
    encodingType: parseEncodingType(r.query.get('encoding-type')),
  }),
  ListMultipartUploads: (r) => ({
    ...onBucket(r),
    prefix: r.query.get('prefix') ?? '',
    delimiter: delimiterOf(r.query),
    keyMarker: r.query.get('key-marker') ?? '',
    uploadIdMarker: r.query.get('upload-id-marker') ?? '',
    maxUploads: Math.min(parseIntParam(r.query.get('max-uploads'), 'max-uploads', 1000), 1000),
    encodingType: parseEncodingType(r.query.get('encoding-type')),
  }),
  DeleteObjects: onBucket,
  PutObject: onObject,
  CopyObject: (r) => ({ ...onObject(r), source: copySourceOf(r) }),
  GetObject: readObject,
  HeadObject: readObject,
  DeleteObject: (r) => ({ ...onObject(r), versionId: opt(r.query, 'versionId') }),
  GetObjectAcl: (r) => ({ ...onObject(r), versionId: opt(r.query, 'versionId') }),
  PutObjectAcl: (r) => ({ ...onObject(r), versionId: opt(r.query, 'versionId') }),
  CreateMultipartUpload: onObject,
  UploadPart: (r) => {
    const partNumber = parsePartNumber(r.query.get('partNumber'));
    return { ...inUpload(r), partNumber };
  },
  UploadPartCopy: (r) => {
    const partNumber = parsePartNumber(r.query.get('partNumber'));
    return { ...inUpload(r), partNumber, source: copySourceOf(r) };
  },
  CompleteMultipartUpload: inUpload,
  AbortMultipartUpload: inUpload,
  GetObjectTagging: (r) => ({ ...onObject(r), versionId: opt(r.query, 'versionId') }),
  PutObjectTagging: (r) => ({ ...onObject(r), versionId: opt(r.query, 'versionId') }),
  DeleteObjectTagging: (r) => ({ ...onObject(r), versionId: opt(r.query, 'versionId') }),
  GetBucketCors: onBucket,
  PutBucketCors: onBucket,
  DeleteBucketCors: onBucket,
  CorsPreflight: (r) => ({ ...onBucket(r), key: r.key }),
  PostObject: onBucket,
  ListParts: (r) => ({
    ...inUpload(r),
    maxParts: parseIntParam(r.query.get('max-parts'), 'max-parts', 1000),
    partNumberMarker: parseIntParam(r.query.get('part-number-marker'), 'part-number-marker', 0),
  }),
};
