import type { AclGrant, BucketInfo, ManifestPart, ObjectTag, ObjectVersion } from '@excloud/contracts';

export interface BucketRow {
  name: string;
  created_at: Date;
  versioning: BucketInfo['versioning'];
  acl: string;
  acl_grants: AclGrant[] | null;
}

export const BUCKET_COLUMNS = 'name, created_at, versioning, acl, acl_grants';

export function toBucketInfo(row: BucketRow): BucketInfo {
  return { name: row.name, createdAt: row.created_at.toISOString(), versioning: row.versioning, acl: row.acl, grants: row.acl_grants ?? undefined };
}

export interface VersionRow {
  bucket: string;
  key: string;
  version_id: string;
  is_latest: boolean;
  is_delete_marker: boolean;
  size: number;
  etag: string | null;
  last_modified: Date;
  headers: ObjectVersion['headers'];
  user_metadata: Record<string, string>;
  checksums: ObjectVersion['checksums'];
  manifest: ManifestPart[];
  acl: string;
  acl_grants: AclGrant[] | null;
  tags: ObjectTag[] | null;
}

export const VERSION_COLUMNS =
  'bucket, key, version_id, is_latest, is_delete_marker, size, etag, last_modified, headers, user_metadata, checksums, manifest, acl, acl_grants, tags';

export function toObjectVersion(row: VersionRow): ObjectVersion {
  return {
    bucket: row.bucket,
    key: row.key,
    versionId: row.version_id,
    isLatest: row.is_latest,
    isDeleteMarker: row.is_delete_marker,
    size: Number(row.size),
    etag: row.etag === null ? '' : quoteEtag(row.etag),
    lastModified: row.last_modified.toISOString(),
    headers: row.headers ?? {},
    userMetadata: row.user_metadata ?? {},
    checksums: row.checksums ?? {},
    manifest: row.manifest ?? [],
    acl: row.acl,
    grants: row.acl_grants ?? undefined,
    tags: row.tags?.length ? row.tags : undefined,
  };
}

/** ETags travel quoted, as S3 shows them. */
export function quoteEtag(etag: string): string {
  return `"${unquoteEtag(etag)}"`;
}

export function unquoteEtag(etag: string): string {
  const t = etag.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1) : t;
}
