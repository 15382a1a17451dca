import { createHash } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import type { ChecksumAlgorithm, Checksums, CompleteUploadRequest, ManifestPart, ObjectVersion, OrgId, UploadInfo } from '@excloud/contracts';
import { S3Error } from '@excloud/s3-protocol';
import { combineCrcs, createChecksum, isCombinableCrc } from '@excloud/sigv4';
import { lockKey, withTransaction } from './db';
import { checkWriteConditions, lockBucketForWrite, publishVersion } from './object-store';
import { unquoteEtag } from './rows';
import { dropUpload, findUpload, uploadParts, type PartRow } from './upload-store';

/** Every part but the last must be at least this big, as in S3. */
export const MIN_PART_BYTES = 5 * 1024 * 1024;

/** How long a completed upload answers a retried Complete; after that it is NoSuchUpload, as before. */
const COMPLETED_RETENTION = '1 day';

/**
 * Complete is metadata-only and one transaction: the upload row is locked (a second Complete
 * waits, then finds it completed: exactly one version results), the listed parts are checked
 * against the uploaded ones, conditions are evaluated under the key lock, and the manifest of
 * part blobs is published. Uploaded parts left out of the list go to the outbox.
 *
 * The completed upload's identity (id, key, digest of the part list) and its result are kept, so
 * a retry with the same part list (an SDK whose first response was lost) answers 200 with the
 * same result as AWS does; any other part list still finds NoSuchUpload.
 */
export async function completeUpload(pool: Pool, orgId: OrgId, bucket: string, key: string, uploadId: string, req: CompleteUploadRequest): Promise<ObjectVersion> {
  return withTransaction(pool, async (tx) => {
    const versioning = await lockBucketForWrite(tx, orgId, bucket);
    let upload: UploadInfo;
    try {
      upload = await findUpload(tx, orgId, bucket, key, uploadId, 'FOR UPDATE');
    } catch (err) {
      if (err instanceof S3Error && err.code === 'NoSuchUpload') {
        const earlier = await completedResult(tx, orgId, bucket, key, uploadId, req);
        if (earlier) return earlier;
      }
      throw err;
    }
    const uploaded = new Map((await uploadParts(tx, orgId, bucket, uploadId)).map((p) => [p.part_number, p]));
    const chosen = selectParts(req, uploaded);
    const checksums = objectChecksums(upload, chosen);
    for (const [alg, expected] of Object.entries(req.checksums ?? {})) {
      const actual = checksums[alg as ChecksumAlgorithm];
      if (actual !== undefined && actual !== expected) throw new S3Error('BadDigest', `The ${alg} you specified did not match the calculated checksum.`);
    }

    await lockKey(tx, orgId, bucket, key);
    await checkWriteConditions(tx, orgId, bucket, key, req);

    const manifest: ManifestPart[] = chosen.map((p) => ({ ...p.blob, etag: p.etag }));
    const version = await publishVersion(tx, orgId, bucket, versioning, {
      key,
      size: chosen.reduce((n, p) => n + Number(p.size), 0),
      etag: multipartEtag(chosen.map((p) => p.etag)),
      headers: upload.headers,
      userMetadata: upload.userMetadata,
      checksums,
      manifest,
      acl: upload.acl,
      tags: upload.tags,
    });
    await dropUpload(tx, orgId, bucket, uploadId, 'unused-part', new Set(manifest.map((m) => m.blobId)));
    await rememberCompleted(tx, orgId, bucket, key, uploadId, req, version);
    return version;
  });
}

/** The part list as a retry must repeat it: part numbers and unquoted ETags, in order. */
export function partsDigest(req: CompleteUploadRequest): string {
  const canonical = req.parts.map((p) => `${p.partNumber}:${unquoteEtag(p.etag).toLowerCase()}`).join('\n');
  return createHash('sha256').update(canonical).digest('hex');
}

async function rememberCompleted(tx: PoolClient, orgId: OrgId, bucket: string, key: string, uploadId: string, req: CompleteUploadRequest, version: ObjectVersion): Promise<void> {
  // The result without its manifest: a retry needs only what the response shows.
  const result: ObjectVersion = { ...version, manifest: [] };
  await tx.query(
    `INSERT INTO completed_uploads (org_id, bucket, upload_id, key, parts_digest, result) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (org_id, bucket, upload_id) DO UPDATE SET key = EXCLUDED.key, parts_digest = EXCLUDED.parts_digest, result = EXCLUDED.result, completed_at = now()`,
    [orgId, bucket, uploadId, key, partsDigest(req), JSON.stringify(result)],
  );
  // Pruned here, per org, so no other job has to know about this table.
  await tx.query(`DELETE FROM completed_uploads WHERE org_id = $1 AND completed_at < now() - interval '${COMPLETED_RETENTION}'`, [orgId]);
}

async function completedResult(tx: PoolClient, orgId: OrgId, bucket: string, key: string, uploadId: string, req: CompleteUploadRequest): Promise<ObjectVersion | undefined> {
  const r = await tx.query<{ result: ObjectVersion }>(
    `SELECT result FROM completed_uploads
      WHERE org_id = $1 AND bucket = $2 AND upload_id = $3 AND key = $4 AND parts_digest = $5 AND completed_at >= now() - interval '${COMPLETED_RETENTION}'`,
    [orgId, bucket, uploadId, key, partsDigest(req)],
  );
  return r.rows[0]?.result;
}

/** The listed parts, validated as S3 does: ascending, uploaded, ETags matching, big enough. */
export function selectParts(req: CompleteUploadRequest, uploaded: Map<number, PartRow>): PartRow[] {
  if (req.parts.length === 0) throw new S3Error('MalformedXML');
  const chosen: PartRow[] = [];
  let previous = 0;
  for (const listed of req.parts) {
    if (listed.partNumber <= previous) throw new S3Error('InvalidPartOrder');
    previous = listed.partNumber;
    const part = uploaded.get(listed.partNumber);
    if (!part || unquoteEtag(part.etag) !== unquoteEtag(listed.etag)) {
      throw new S3Error('InvalidPart', undefined, { PartNumber: String(listed.partNumber), ETag: listed.etag });
    }
    for (const [alg, value] of Object.entries(listed.checksums)) {
      const stored = part.checksums?.[alg as ChecksumAlgorithm];
      if (stored !== undefined && stored !== value) throw new S3Error('InvalidPart', `The ${alg} of part ${listed.partNumber} does not match the uploaded part.`);
    }
    chosen.push(part);
  }
  chosen.slice(0, -1).forEach((p) => {
    if (Number(p.size) < MIN_PART_BYTES) {
      throw new S3Error('EntityTooSmall', undefined, { ProposedSize: String(p.size), MinSizeAllowed: String(MIN_PART_BYTES), PartNumber: String(p.part_number), ETag: p.etag });
    }
  });
  return chosen;
}

/** `"md5(concat(binary part md5s))-N"`, the ETag every S3 client expects of a multipart object. */
export function multipartEtag(partEtags: string[]): string {
  const md5 = createHash('md5');
  for (const e of partEtags) md5.update(Buffer.from(unquoteEtag(e), 'hex'));
  return `"${md5.digest('hex')}-${partEtags.length}"`;
}

/**
 * The object's checksum: COMPOSITE (checksum of the part checksums, `-N`), or FULL_OBJECT for
 * CRCs (the CRC of the whole object, combined from the part CRCs and sizes, no byte re-read).
 */
function objectChecksums(upload: UploadInfo, parts: PartRow[]): Checksums {
  const alg = upload.checksumAlgorithm;
  if (!alg) return {};
  if (upload.checksumType === 'FULL_OBJECT') {
    if (!isCombinableCrc(alg)) return {};
    return {
      [alg]: combineCrcs(
        alg,
        parts.map((p) => {
          const checksum = p.checksums?.[alg];
          if (checksum === undefined) throw new S3Error('InvalidPart', `Part ${p.part_number} was uploaded without a ${alg} checksum.`);
          return { checksum, size: Number(p.size) };
        }),
      ),
    };
  }
  return { [alg]: compositeChecksum(alg, parts) };
}

/** COMPOSITE checksum: the checksum of the concatenated binary part checksums, suffixed -N. */
export function compositeChecksum(alg: ChecksumAlgorithm, parts: PartRow[]): string {
  const sum = createChecksum(alg);
  for (const p of parts) {
    const value = p.checksums?.[alg];
    if (value === undefined) throw new S3Error('InvalidPart', `Part ${p.part_number} was uploaded without a ${alg} checksum.`);
    sum.update(Buffer.from(value, 'base64'));
  }
  return `${sum.digestBase64()}-${parts.length}`;
}
