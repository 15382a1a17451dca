/** Wire types exchanged between our services over internal HTTP. */

import type { ChecksumAlgorithm, Checksums } from './checksums';

/** What the blob service answers after a blob is durably written. */
export interface BlobPutResult {
  blobId: string;
  size: number;
  md5: string; // hex
  sha256?: string; // hex, only when a SHA256 checksum was requested
  checksums: Checksums; // base64, as S3 shows them
  encryption: BlobKeyInfo;
}

export interface BlobKeyInfo {
  keyId: string;
  wrappedKey: string;
  noncePrefix: string;
}

/** One blob of an object's manifest (a single PUT has one; a multipart object has one per part). */
export interface ManifestPart {
  blobId: string;
  size: number;
  encryption: BlobKeyInfo;
  etag?: string; // part ETag, for multipart objects
}

export interface ObjectHeaders {
  contentType?: string;
  contentEncoding?: string;
  contentDisposition?: string;
  contentLanguage?: string;
  cacheControl?: string;
  expires?: string;
}

export interface ObjectVersion {
  bucket: string;
  key: string;
  versionId: string; // 'null' for unversioned buckets
  isLatest: boolean;
  isDeleteMarker: boolean;
  size: number;
  etag: string; // quoted
  lastModified: string; // ISO
  headers: ObjectHeaders;
  userMetadata: Record<string, string>;
  checksums: Checksums;
  manifest: ManifestPart[];
  acl?: string;
  grants?: AclGrant[];
  /** Object tags, in the order they were given; absent when the version has none. */
  tags?: ObjectTag[];
}

/** One object tag (S3 allows 10 per object, keys up to 128 and values up to 256 characters). */
export interface ObjectTag {
  key: string;
  value: string;
}

/** One rule of a bucket's CORS configuration, as PutBucketCors accepts it. */
export interface CorsRule {
  id?: string;
  allowedMethods: Array<'GET' | 'PUT' | 'POST' | 'DELETE' | 'HEAD'>;
  allowedOrigins: string[];
  allowedHeaders: string[];
  exposeHeaders: string[];
  maxAgeSeconds?: number;
}

export interface BucketInfo {
  name: string;
  createdAt: string; // ISO
  versioning: 'Unversioned' | 'Enabled' | 'Suspended';
  acl: string; // canned ACL name, or 'custom'
  grants?: AclGrant[];
}

export interface PutObjectCommit {
  key: string;
  size: number;
  etag: string; // quoted
  headers: ObjectHeaders;
  userMetadata: Record<string, string>;
  checksums: Checksums;
  manifest: ManifestPart[];
  /** Canned ACL of the new version (x-amz-acl); private when absent. */
  acl?: string;
  tags?: ObjectTag[];
  ifMatch?: string;
  ifNoneMatch?: string;
}

export interface ListObjectsQuery {
  prefix?: string;
  delimiter?: string;
  maxKeys: number;
  startAfter?: string; // exclusive: return keys/prefixes strictly greater
}

export interface ListObjectsResult {
  contents: Array<{ key: string; size: number; etag: string; lastModified: string }>;
  commonPrefixes: string[];
  isTruncated: boolean;
  /** Last key or common prefix returned: the next page starts strictly after it. */
  lastReturned?: string;
}

/** An error as it travels between services; rebuilt as the same typed S3Error on the other side. */
export interface WireError {
  error: { code: string; message: string; status: number; fields?: Record<string, string> };
}

/** What auth answers to a successful signature verification. */
export interface VerifyResult {
  orgId: string;
  accessKeyId: string;
  /** hex signing key for this scope: lets the gateway verify chunk signatures and cache. */
  signingKey: string;
  /** internal token bound to the org, for metadata and blob. */
  token: string;
  tokenExpiresAt: number; // epoch ms
}

/** A multipart upload in progress. */
export interface UploadInfo {
  uploadId: string;
  bucket: string;
  key: string;
  initiated: string; // ISO
  headers: ObjectHeaders;
  userMetadata: Record<string, string>;
  /** Algorithm the client declared at CreateMultipartUpload (x-amz-checksum-algorithm), if any. */
  checksumAlgorithm?: ChecksumAlgorithm;
  checksumType?: 'COMPOSITE' | 'FULL_OBJECT';
  acl?: string;
  tags?: ObjectTag[];
}

export interface CreateUploadRequest {
  key: string;
  acl?: string;
  tags?: ObjectTag[];
  headers: ObjectHeaders;
  userMetadata: Record<string, string>;
  checksumAlgorithm?: ChecksumAlgorithm;
  checksumType?: 'COMPOSITE' | 'FULL_OBJECT';
}

export interface UploadPartRecord {
  partNumber: number;
  size: number;
  etag: string; // quoted md5 of the part
  lastModified: string; // ISO
  checksums: Checksums;
  blob: ManifestPart;
}

export interface CompleteUploadRequest {
  parts: Array<{ partNumber: number; etag: string; checksums: Checksums }>;
  /** Whole-object checksums the client sent with Complete (x-amz-checksum-*), to verify. */
  checksums?: Checksums;
  ifMatch?: string;
  ifNoneMatch?: string;
}

export interface ListPartsResult {
  upload: UploadInfo;
  parts: UploadPartRecord[];
  isTruncated: boolean;
  nextPartNumberMarker?: number;
}

export interface ListUploadsQuery {
  prefix?: string;
  delimiter?: string;
  keyMarker?: string;
  uploadIdMarker?: string;
  maxUploads: number;
}

export interface ListUploadsResult {
  uploads: Array<{ key: string; uploadId: string; initiated: string }>;
  commonPrefixes: string[];
  isTruncated: boolean;
  nextKeyMarker?: string;
  nextUploadIdMarker?: string;
}

export interface ListVersionsQuery {
  prefix?: string;
  delimiter?: string;
  keyMarker?: string;
  versionIdMarker?: string;
  maxKeys: number;
}

export interface VersionEntry {
  key: string;
  versionId: string;
  isLatest: boolean;
  isDeleteMarker: boolean;
  size: number;
  etag: string;
  lastModified: string;
}

export interface ListVersionsResult {
  versions: VersionEntry[];
  commonPrefixes: string[];
  isTruncated: boolean;
  nextKeyMarker?: string;
  nextVersionIdMarker?: string;
}

/** One ACL grant, as S3's AccessControlPolicy expresses it. */
export interface AclGrant {
  grantee: { type: 'CanonicalUser'; id: string } | { type: 'Group'; uri: string };
  permission: 'FULL_CONTROL' | 'READ' | 'WRITE' | 'READ_ACP' | 'WRITE_ACP';
}

/** A bucket's or object's ACL: a canned name, or 'custom' with explicit grants (the owner always has FULL_CONTROL). */
export interface AclSetting {
  acl: string;
  grants?: AclGrant[];
}

export const ALL_USERS_URI = 'http://acs.amazonaws.com/groups/global/AllUsers';
export const AUTHENTICATED_USERS_URI = 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers';
