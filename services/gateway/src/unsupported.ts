import { S3Error, type S3ErrorCode } from '@excloud/s3-protocol';
import type { OperationName } from './router';

/**
 * Unsupported means refused: a client that asks for something we do not do (a protection, a
 * storage class, a configuration) gets the error S3 gives in the nearest situation, never a silent
 * 200. The README's "Not implemented" table lists these rows; test-e2e/unsupported.e2e.test.ts
 * has a case per row.
 */
interface Refusal {
  code: S3ErrorCode;
  message: string;
}

const notImplemented = (what: string): Refusal => ({ code: 'NotImplemented', message: `${what} is not implemented` });
/** What S3 answers for lock settings on a bucket created without Object Lock (ours never have it). */
const NO_OBJECT_LOCK: Refusal = { code: 'InvalidRequest', message: 'Bucket is missing Object Lock Configuration' };
/** S3's answer to SSE-C parameters on an object that is not SSE-C encrypted (none of ours is). */
const SSE_C_NOT_APPLICABLE: Refusal = { code: 'InvalidRequest', message: 'The encryption parameters are not applicable to this object.' };

/** Sub-resources (query parameters naming a configuration or an operation) we do not offer. */
const SUBRESOURCES: Record<string, Refusal> = {
  accelerate: notImplemented('Transfer acceleration'),
  analytics: notImplemented('Storage class analytics'),
  encryption: notImplemented('Bucket encryption configuration (every object is encrypted with SSE-S3)'),
  'intelligent-tiering': notImplemented('Intelligent-Tiering'),
  inventory: notImplemented('S3 Inventory'),
  lifecycle: notImplemented('Lifecycle configuration'),
  logging: notImplemented('Server access logging'),
  metrics: notImplemented('Request metrics configuration'),
  notification: notImplemented('Event notifications'),
  'object-lock': notImplemented('Object Lock'),
  ownershipControls: notImplemented('Object Ownership'),
  policy: notImplemented('Bucket policies'),
  policyStatus: notImplemented('Bucket policy status'),
  publicAccessBlock: notImplemented('Block Public Access'),
  replication: notImplemented('Replication'),
  requestPayment: notImplemented('Requester Pays'),
  website: notImplemented('Static website hosting'),
  retention: NO_OBJECT_LOCK,
  'legal-hold': NO_OBJECT_LOCK,
  restore: notImplemented('RestoreObject (there are no archive storage classes)'),
  select: notImplemented('S3 Select'),
  torrent: notImplemented('BitTorrent'),
  attributes: notImplemented('GetObjectAttributes'),
  session: notImplemented('CreateSession'),
  metadataTable: notImplemented('S3 Metadata'),
  metadataConfiguration: notImplemented('S3 Metadata'),
  abac: notImplemented('Attribute-based access control'),
  renameObject: notImplemented('RenameObject'),
};

/**
 * Sub-resources served on one level only, refused on the other so that `GET /b?tagging` is never
 * read as a listing nor `GET /b/k?cors` as a GetObject: CORS is a bucket's, tags are an object's.
 */
const OTHER_LEVEL: Record<string, { servedOn: 'bucket' | 'object'; refusal: Refusal }> = {
  cors: { servedOn: 'bucket', refusal: notImplemented('CORS configuration on an object') },
  tagging: { servedOn: 'object', refusal: notImplemented('Bucket tagging') },
};

/** Called by the router before it picks an operation, so `?lifecycle` is never read as a listing. */
export function refuseUnsupportedSubresource(query: URLSearchParams, level: 'bucket' | 'object'): void {
  for (const name of query.keys()) {
    const refusal = SUBRESOURCES[name] ?? (OTHER_LEVEL[name] && OTHER_LEVEL[name].servedOn !== level ? OTHER_LEVEL[name].refusal : undefined);
    if (refusal) throw toError(refusal);
  }
}

/** PostObject carries these as form fields; post-object.ts checks the fields against the same rules. */
const OBJECT_WRITES: readonly OperationName[] = ['PutObject', 'CopyObject', 'CreateMultipartUpload', 'PostObject'];
const PART_WRITES: readonly OperationName[] = ['UploadPart', 'UploadPartCopy'];
const COPIES: readonly OperationName[] = ['CopyObject', 'UploadPartCopy'];
const READS: readonly OperationName[] = ['GetObject', 'HeadObject'];

interface HeaderRule {
  /** Request headers (lower case); the first one present triggers the rule. */
  headers: readonly string[];
  /** Operations the rule applies to; every operation when absent. */
  ops?: readonly OperationName[];
  /** Refuse for this value, or pass it (undefined). */
  refuse(value: string): Refusal | undefined;
}

const always = (refusal: Refusal) => () => refusal;

const HEADER_RULES: readonly HeaderRule[] = [
  {
    // SSE-C on a write: S3 refuses SSE-C writes with 403 AccessDenied on buckets where SSE-C is
    // blocked, the default for new buckets since April 2026. Ours never offer it.
    headers: ['x-amz-server-side-encryption-customer-algorithm', 'x-amz-server-side-encryption-customer-key', 'x-amz-server-side-encryption-customer-key-md5'],
    ops: [...OBJECT_WRITES, ...PART_WRITES],
    refuse: always({ code: 'AccessDenied', message: 'Server-side encryption with customer-provided keys (SSE-C) is blocked: objects are encrypted with SSE-S3' }),
  },
  {
    headers: ['x-amz-server-side-encryption-customer-algorithm', 'x-amz-server-side-encryption-customer-key', 'x-amz-server-side-encryption-customer-key-md5'],
    ops: READS,
    refuse: always(SSE_C_NOT_APPLICABLE),
  },
  {
    headers: ['x-amz-copy-source-server-side-encryption-customer-algorithm', 'x-amz-copy-source-server-side-encryption-customer-key', 'x-amz-copy-source-server-side-encryption-customer-key-md5'],
    ops: COPIES,
    refuse: always(SSE_C_NOT_APPLICABLE),
  },
  {
    headers: ['x-amz-server-side-encryption'],
    ops: [...OBJECT_WRITES, ...PART_WRITES],
    refuse(value) {
      if (value === 'AES256') return undefined; // what we always do
      if (value === 'aws:kms' || value === 'aws:kms:dsse') return notImplemented('SSE-KMS (objects are encrypted with SSE-S3, AES256)');
      return { code: 'InvalidArgument', message: 'The encryption method specified is not supported' };
    },
  },
  {
    headers: ['x-amz-server-side-encryption-aws-kms-key-id', 'x-amz-server-side-encryption-context'],
    ops: [...OBJECT_WRITES, ...PART_WRITES],
    refuse: always(notImplemented('SSE-KMS (objects are encrypted with SSE-S3, AES256)')),
  },
  {
    headers: ['x-amz-server-side-encryption-bucket-key-enabled'],
    ops: OBJECT_WRITES,
    refuse: (value) => (value.toLowerCase() === 'true' ? notImplemented('S3 Bucket Keys (SSE-KMS)') : undefined),
  },
  {
    headers: ['x-amz-object-lock-mode', 'x-amz-object-lock-retain-until-date', 'x-amz-object-lock-legal-hold'],
    ops: OBJECT_WRITES,
    refuse: always(NO_OBJECT_LOCK),
  },
  {
    headers: ['x-amz-bucket-object-lock-enabled'],
    ops: ['CreateBucket'],
    refuse: (value) => (value.toLowerCase() === 'true' ? notImplemented('Object Lock') : undefined),
  },
  {
    headers: ['x-amz-object-ownership'],
    ops: ['CreateBucket'],
    refuse: always(notImplemented('Object Ownership')),
  },
  {
    headers: ['x-amz-storage-class'],
    ops: OBJECT_WRITES,
    refuse: (value) => (value === 'STANDARD' ? undefined : { code: 'InvalidStorageClass', message: 'The storage class you specified is not valid' }),
  },
  {
    headers: ['x-amz-website-redirect-location'],
    ops: OBJECT_WRITES,
    refuse: always(notImplemented('Static website hosting (x-amz-website-redirect-location)')),
  },
  {
    // Grants in headers are read by PutBucketAcl and PutObjectAcl only.
    headers: ['x-amz-grant-full-control', 'x-amz-grant-read', 'x-amz-grant-write', 'x-amz-grant-read-acp', 'x-amz-grant-write-acp'],
    ops: [...OBJECT_WRITES, 'CreateBucket'],
    refuse: always(notImplemented('x-amz-grant-* on this operation (use x-amz-acl, or PutObjectAcl / PutBucketAcl)')),
  },
  { headers: ['x-amz-request-payer'], refuse: always(notImplemented('Requester Pays')) },
  {
    headers: ['x-amz-expected-bucket-owner', 'x-amz-source-expected-bucket-owner'],
    refuse: always(notImplemented('The expected bucket owner check')),
  },
  { headers: ['x-amz-mfa'], refuse: always(notImplemented('MFA delete')) },
  {
    headers: ['if-match', 'x-amz-if-match-last-modified-time', 'x-amz-if-match-size'],
    ops: ['DeleteObject'],
    refuse: always(notImplemented('Conditional DeleteObject')),
  },
  { headers: ['x-amz-write-offset-bytes'], ops: ['PutObject'], refuse: always(notImplemented('Appending to an object')) },
];

/**
 * Called by the router once the operation is known, before authentication reads anything else;
 * and by PostObject on its form fields (a form's `x-amz-*` fields stand for the same headers).
 */
export function refuseUnsupportedHeaders(op: OperationName, headers: Record<string, string | string[] | undefined>): void {
  for (const rule of HEADER_RULES) {
    if (rule.ops && !rule.ops.includes(op)) continue;
    for (const name of rule.headers) {
      const raw = headers[name];
      if (raw === undefined) continue;
      const refusal = rule.refuse(Array.isArray(raw) ? raw.join(',') : raw);
      if (refusal) throw toError(refusal, name, raw);
      break;
    }
  }
}

function toError(refusal: Refusal, header?: string, value?: string | string[]): S3Error {
  if (header === undefined || refusal.code !== 'InvalidArgument') return new S3Error(refusal.code, refusal.message);
  return new S3Error(refusal.code, refusal.message, { ArgumentName: header, ArgumentValue: String(value) });
}
