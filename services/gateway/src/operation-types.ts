import type { CopySource } from './copy-source';

/**
 * The typed operation model: every S3 operation we serve, with the parameters the router has
 * already validated and the access class that decides who may call it. Handlers receive their
 * own variant (`OperationOf<'UploadPart'>` has `uploadId` and `partNumber`), so they never
 * re-read the query string nor assert that a bucket is present.
 */

interface OnBucket {
  bucket: string;
}

interface OnObject extends OnBucket {
  key: string;
}

interface InUpload extends OnObject {
  uploadId: string;
}

type EncodingType = 'url' | undefined;

/** Shared by GetObject and HeadObject (HeadObject takes the same query, as in the S3 API). */
export interface ReadObjectParams extends OnObject {
  versionId?: string;
  partNumber?: number;
  /** `response-content-type` etc., already mapped to the header they override. */
  responseHeaders: Record<string, string>;
}

/** Operation name → its validated parameters. Adding an operation starts here. */
export interface OperationParams {
  ListBuckets: Record<never, never>;
  CreateBucket: OnBucket;
  HeadBucket: OnBucket;
  DeleteBucket: OnBucket;
  GetBucketLocation: OnBucket;
  GetBucketVersioning: OnBucket;
  PutBucketVersioning: OnBucket;
  GetBucketAcl: OnBucket;
  PutBucketAcl: OnBucket;
  ListObjects: OnBucket & { prefix: string; delimiter?: string; marker: string; maxKeys: number; encodingType: EncodingType };
  ListObjectsV2: OnBucket & {
    prefix: string;
    delimiter?: string;
    maxKeys: number;
    encodingType: EncodingType;
    /** As the client sent it (echoed back), and the key it names once decoded. */
    continuationToken?: { raw: string; after: string };
    startAfter?: string;
    fetchOwner: boolean;
  };
  ListObjectVersions: OnBucket & { prefix: string; delimiter?: string; keyMarker: string; versionIdMarker: string; maxKeys: number; encodingType: EncodingType };
  ListMultipartUploads: OnBucket & { prefix: string; delimiter?: string; keyMarker: string; uploadIdMarker: string; maxUploads: number; encodingType: EncodingType };
  DeleteObjects: OnBucket;
  PutObject: OnObject;
  CopyObject: OnObject & { source: CopySource };
  GetObject: ReadObjectParams;
  HeadObject: ReadObjectParams;
  DeleteObject: OnObject & { versionId?: string };
  GetObjectAcl: OnObject & { versionId?: string };
  PutObjectAcl: OnObject & { versionId?: string };
  CreateMultipartUpload: OnObject;
  UploadPart: InUpload & { partNumber: number };
  UploadPartCopy: InUpload & { partNumber: number; source: CopySource };
  CompleteMultipartUpload: InUpload;
  AbortMultipartUpload: InUpload;
  ListParts: InUpload & { maxParts: number; partNumberMarker: number };
  GetObjectTagging: OnObject & { versionId?: string };
  PutObjectTagging: OnObject & { versionId?: string };
  DeleteObjectTagging: OnObject & { versionId?: string };
  GetBucketCors: OnBucket;
  PutBucketCors: OnBucket;
  DeleteBucketCors: OnBucket;
  /** A browser's OPTIONS preflight, on a bucket or on an object (key absent for the bucket). */
  CorsPreflight: OnBucket & { key?: string };
  /** A browser form upload (POST /<bucket>, multipart/form-data); the key is a form field. */
  PostObject: OnBucket;
}

export type OperationName = keyof OperationParams;

/**
 * Who may call an operation.
 * - `owner-only`: a signed request from the org that owns the bucket.
 * - `anonymous-readable`: also an unsigned request on the org's own host; metadata then serves it
 *   only where the bucket or object ACL grants public read.
 * - `preflight`: a browser's unsigned CORS preflight on the org's own host; it reads only the
 *   bucket's CORS rules and answers from them, never touching an object.
 * - `form-signed`: a browser form upload, signed by the POST policy inside the form body rather
 *   than by a header; it is authenticated by that signature (never anonymous) before it writes.
 */
export type AccessClass = 'owner-only' | 'anonymous-readable' | 'preflight' | 'form-signed';

/** Total over the operation names: a new operation does not compile until its access is decided. */
export const ACCESS = {
  ListBuckets: 'owner-only',
  CreateBucket: 'owner-only',
  HeadBucket: 'anonymous-readable',
  DeleteBucket: 'owner-only',
  GetBucketLocation: 'owner-only',
  GetBucketVersioning: 'owner-only',
  PutBucketVersioning: 'owner-only',
  GetBucketAcl: 'owner-only',
  PutBucketAcl: 'owner-only',
  ListObjects: 'anonymous-readable',
  ListObjectsV2: 'anonymous-readable',
  ListObjectVersions: 'owner-only',
  ListMultipartUploads: 'owner-only',
  DeleteObjects: 'owner-only',
  PutObject: 'owner-only',
  CopyObject: 'owner-only',
  GetObject: 'anonymous-readable',
  HeadObject: 'anonymous-readable',
  DeleteObject: 'owner-only',
  GetObjectAcl: 'owner-only',
  PutObjectAcl: 'owner-only',
  CreateMultipartUpload: 'owner-only',
  UploadPart: 'owner-only',
  UploadPartCopy: 'owner-only',
  CompleteMultipartUpload: 'owner-only',
  AbortMultipartUpload: 'owner-only',
  ListParts: 'owner-only',
  GetObjectTagging: 'owner-only',
  PutObjectTagging: 'owner-only',
  DeleteObjectTagging: 'owner-only',
  GetBucketCors: 'owner-only',
  PutBucketCors: 'owner-only',
  DeleteBucketCors: 'owner-only',
  CorsPreflight: 'preflight',
  PostObject: 'form-signed',
} as const satisfies Record<OperationName, AccessClass>;

/**
 * The variant(s) named N. A mapped type rather than `Extract<S3Operation, …>` so that it is
 * covariant in N: a handler for 'GetObject' | 'HeadObject' accepts a GetObject context.
 */
export type OperationOf<N extends OperationName> = { [K in N]: { op: K; access: (typeof ACCESS)[K] } & OperationParams[K] }[N];

/** The discriminated union the router returns. */
export type S3Operation = OperationOf<OperationName>;

/** The operations an unsigned request may attempt, derived from the access table. */
export type AnonymousOperationName = { [N in OperationName]: (typeof ACCESS)[N] extends 'anonymous-readable' | 'preflight' ? N : never }[OperationName];

export const ANONYMOUS_OPERATIONS: ReadonlySet<OperationName> = new Set(
  (Object.keys(ACCESS) as OperationName[]).filter((name): name is AnonymousOperationName => ACCESS[name] === 'anonymous-readable' || ACCESS[name] === 'preflight'),
);

export function isAnonymousOperation(name: OperationName): name is AnonymousOperationName {
  return ANONYMOUS_OPERATIONS.has(name);
}
