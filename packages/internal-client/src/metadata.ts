import type {
  AclSetting,
  BucketInfo,
  CorsRule,
  ObjectTag,
  CompleteUploadRequest,
  CreateUploadRequest,
  ListObjectsQuery,
  ListObjectsResult,
  ListPartsResult,
  ListUploadsQuery,
  ListUploadsResult,
  ListVersionsQuery,
  ListVersionsResult,
  ObjectVersion,
  PutObjectCommit,
  UploadInfo,
  UploadPartRecord,
} from '@excloud/contracts';
import { InternalClient } from './http';

/**
 * The gateway's view of the metadata service. Every call carries the caller's internal org token:
 * metadata scopes everything by the org the token names. Bucket names and keys are URL-encoded
 * (keys may hold any unicode, spaces, '%', '+', '?', '#').
 */
export class MetadataClient {
  private readonly http: InternalClient;
  constructor(baseUrl: string) {
    this.http = new InternalClient(baseUrl);
  }

  listBuckets(token: string, requestId?: string): Promise<BucketInfo[]> {
    return this.http.json<BucketInfo[]>({ method: 'GET', path: '/v1/buckets', token, requestId });
  }

  createBucket(token: string, bucket: string, opts: { acl?: string }, requestId?: string): Promise<BucketInfo> {
    return this.http.json<BucketInfo>({ method: 'PUT', path: bucketPath(bucket), token, requestId, json: { acl: opts.acl } });
  }

  getBucket(token: string, bucket: string, requestId?: string): Promise<BucketInfo> {
    return this.http.json<BucketInfo>({ method: 'GET', path: bucketPath(bucket), token, requestId });
  }

  async deleteBucket(token: string, bucket: string, requestId?: string): Promise<void> {
    await this.http.json<void>({ method: 'DELETE', path: bucketPath(bucket), token, requestId });
  }

  async putBucketVersioning(token: string, bucket: string, status: 'Enabled' | 'Suspended', requestId?: string): Promise<void> {
    await this.http.json<void>({ method: 'PUT', path: `${bucketPath(bucket)}/versioning`, token, requestId, json: { status } });
  }

  putObject(token: string, bucket: string, commit: PutObjectCommit, requestId?: string): Promise<ObjectVersion> {
    return this.http.json<ObjectVersion>({ method: 'POST', path: `${bucketPath(bucket)}/objects`, token, requestId, json: commit });
  }

  getObject(token: string, bucket: string, key: string, versionId: string | undefined, requestId?: string): Promise<ObjectVersion> {
    return this.http.json<ObjectVersion>({ method: 'GET', path: `${bucketPath(bucket)}/object${query({ key, versionId })}`, token, requestId });
  }

  deleteObject(
    token: string,
    bucket: string,
    key: string,
    versionId: string | undefined,
    requestId?: string,
  ): Promise<{ versionId?: string; deleteMarker: boolean }> {
    return this.http.json<{ versionId?: string; deleteMarker: boolean }>({
      method: 'DELETE',
      path: `${bucketPath(bucket)}/object${query({ key, versionId })}`,
      token,
      requestId,
    });
  }

  listObjects(token: string, bucket: string, q: ListObjectsQuery, requestId?: string): Promise<ListObjectsResult> {
    const qs = query({ prefix: q.prefix, delimiter: q.delimiter, maxKeys: String(q.maxKeys), startAfter: q.startAfter });
    return this.http.json<ListObjectsResult>({ method: 'GET', path: `${bucketPath(bucket)}/list${qs}`, token, requestId });
  }

  createUpload(token: string, bucket: string, req: CreateUploadRequest, requestId?: string): Promise<UploadInfo> {
    return this.http.json<UploadInfo>({ method: 'POST', path: `${bucketPath(bucket)}/uploads`, token, requestId, json: req });
  }

  getUpload(token: string, bucket: string, key: string, uploadId: string, requestId?: string): Promise<UploadInfo> {
    return this.http.json<UploadInfo>({ method: 'GET', path: `${uploadPath(bucket, uploadId)}${query({ key })}`, token, requestId });
  }

  putPart(token: string, bucket: string, key: string, uploadId: string, part: Omit<UploadPartRecord, 'lastModified'>, requestId?: string): Promise<UploadPartRecord> {
    return this.http.json<UploadPartRecord>({
      method: 'PUT',
      path: `${uploadPath(bucket, uploadId)}/parts/${part.partNumber}${query({ key })}`,
      token,
      requestId,
      json: part,
    });
  }

  listParts(token: string, bucket: string, key: string, uploadId: string, opts: { partNumberMarker: number; maxParts: number }, requestId?: string): Promise<ListPartsResult> {
    const q = query({ key, partNumberMarker: String(opts.partNumberMarker), maxParts: String(opts.maxParts) });
    return this.http.json<ListPartsResult>({ method: 'GET', path: `${uploadPath(bucket, uploadId)}/parts${q}`, token, requestId });
  }

  completeUpload(token: string, bucket: string, key: string, uploadId: string, req: CompleteUploadRequest, requestId?: string): Promise<ObjectVersion> {
    return this.http.json<ObjectVersion>({ method: 'POST', path: `${uploadPath(bucket, uploadId)}/complete${query({ key })}`, token, requestId, json: req });
  }

  async abortUpload(token: string, bucket: string, key: string, uploadId: string, requestId?: string): Promise<void> {
    await this.http.json<void>({ method: 'DELETE', path: `${uploadPath(bucket, uploadId)}${query({ key })}`, token, requestId });
  }

  async putBucketAcl(token: string, bucket: string, setting: AclSetting, requestId?: string): Promise<void> {
    await this.http.json<void>({ method: 'PUT', path: `${bucketPath(bucket)}/acl`, token, requestId, json: setting });
  }

  async putObjectAcl(token: string, bucket: string, key: string, versionId: string | undefined, setting: AclSetting, requestId?: string): Promise<void> {
    await this.http.json<void>({ method: 'PUT', path: `${bucketPath(bucket)}/object-acl${query({ key, versionId })}`, token, requestId, json: setting });
  }

  listVersions(token: string, bucket: string, q: ListVersionsQuery, requestId?: string): Promise<ListVersionsResult> {
    const qs = query({ prefix: q.prefix, delimiter: q.delimiter, keyMarker: q.keyMarker, versionIdMarker: q.versionIdMarker, maxKeys: String(q.maxKeys) });
    return this.http.json<ListVersionsResult>({ method: 'GET', path: `${bucketPath(bucket)}/versions${qs}`, token, requestId });
  }

  listUploads(token: string, bucket: string, q: ListUploadsQuery, requestId?: string): Promise<ListUploadsResult> {
    const qs = query({ prefix: q.prefix, delimiter: q.delimiter, keyMarker: q.keyMarker, uploadIdMarker: q.uploadIdMarker, maxUploads: String(q.maxUploads) });
    return this.http.json<ListUploadsResult>({ method: 'GET', path: `${bucketPath(bucket)}/uploads${qs}`, token, requestId });
  }

  getObjectTags(token: string, bucket: string, key: string, versionId: string | undefined, requestId?: string): Promise<{ versionId: string; tags: ObjectTag[] }> {
    return this.http.json({ method: 'GET', path: `${bucketPath(bucket)}/object-tags${query({ key, versionId })}`, token, requestId });
  }

  /** Replaces the tag set (an empty list removes every tag). */
  putObjectTags(token: string, bucket: string, key: string, versionId: string | undefined, tags: ObjectTag[], requestId?: string): Promise<{ versionId: string }> {
    return this.http.json({ method: 'PUT', path: `${bucketPath(bucket)}/object-tags${query({ key, versionId })}`, token, requestId, json: { tags } });
  }

  /** The bucket's CORS rules, null when none are configured; the anonymous token may read them (preflight). */
  async getBucketCors(token: string, bucket: string, requestId?: string): Promise<CorsRule[] | null> {
    return (await this.http.json<{ rules: CorsRule[] | null }>({ method: 'GET', path: `${bucketPath(bucket)}/cors`, token, requestId })).rules;
  }

  /** Replaces (rules) or removes (null) the bucket's CORS configuration. */
  async putBucketCors(token: string, bucket: string, rules: CorsRule[] | null, requestId?: string): Promise<void> {
    if (rules === null) await this.http.json<void>({ method: 'DELETE', path: `${bucketPath(bucket)}/cors`, token, requestId });
    else await this.http.json<void>({ method: 'PUT', path: `${bucketPath(bucket)}/cors`, token, requestId, json: { rules } });
  }
}

function uploadPath(bucket: string, uploadId: string): string {
  return `${bucketPath(bucket)}/uploads/${encodeURIComponent(uploadId)}`;
}

function bucketPath(bucket: string): string {
  return `/v1/buckets/${encodeURIComponent(bucket)}`;
}

/** encodeURIComponent leaves no '+', '&', '#' or '%' raw, so every value round-trips exactly. */
function query(params: Record<string, string | undefined>): string {
  let out = '';
  for (const k in params) {
    const v = params[k];
    if (v !== undefined) out += `${out ? '&' : '?'}${k}=${encodeURIComponent(v)}`;
  }
  return out;
}
