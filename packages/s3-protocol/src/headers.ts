import { checksumHeaders, type Checksums } from '@excloud/contracts';

/** Response headers S3 clients read, named once. */
export const S3_HEADERS = {
  requestId: 'x-amz-request-id',
  id2: 'x-amz-id-2',
  versionId: 'x-amz-version-id',
  deleteMarker: 'x-amz-delete-marker',
  copySourceVersionId: 'x-amz-copy-source-version-id',
  serverSideEncryption: 'x-amz-server-side-encryption',
  checksumType: 'x-amz-checksum-type',
  checksumAlgorithm: 'x-amz-checksum-algorithm',
  taggingCount: 'x-amz-tagging-count',
} as const;

export type ResponseHeaders = Record<string, string | undefined>;

/** Encryption at rest is always on (SSE-S3 semantics): every object response says so. */
export const ENCRYPTION_HEADERS = { [S3_HEADERS.serverSideEncryption]: 'AES256' } as const;

/** A version id as a header value: the null version (unversioned bucket) is not announced. */
export function versionIdValue(versionId: string | undefined): string | undefined {
  return versionId === undefined || versionId === 'null' ? undefined : versionId;
}

/**
 * The headers of a successful write (PutObject, UploadPart, CopyObject, UploadPartCopy,
 * CompleteMultipartUpload): encryption, ETag, version ids and checksums, each only when known.
 */
export function writeResponseHeaders(w: { etag?: string; versionId?: string; copySourceVersionId?: string; checksums?: Checksums }): ResponseHeaders {
  return {
    ...ENCRYPTION_HEADERS,
    etag: w.etag,
    [S3_HEADERS.versionId]: versionIdValue(w.versionId),
    [S3_HEADERS.copySourceVersionId]: versionIdValue(w.copySourceVersionId),
    ...checksumHeaders(w.checksums ?? {}),
  };
}
