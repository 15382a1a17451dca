import { header, type ObjectHeaders } from '@excloud/contracts';
import { S3Error, toXml, writeResponseHeaders } from '@excloud/s3-protocol';
import { CANNED_ACLS } from '../acl';
import { assertBucketExists } from '../bucket-check';
import { commitBlob } from '../blob-commit';
import type { OperationContext, S3Result } from '../context';
import { checkPostPolicy, parsePostPolicy } from '../post-policy';
import { parseTaggingXml } from '../tagging';
import { assertValidKey, userMetadataFrom } from '../validation';
import { commitObjectVersion } from './put-object';

const STORED_FIELDS: Array<[keyof ObjectHeaders, string]> = [
  ['contentType', 'content-type'],
  ['cacheControl', 'cache-control'],
  ['contentDisposition', 'content-disposition'],
  ['contentEncoding', 'content-encoding'],
  ['expires', 'expires'],
];

/**
 * A browser form upload (POST /<bucket>, multipart/form-data). The s3-handler has already read
 * the fields before the file and verified the policy signature (the caller is the signing key's
 * org); here the policy's expiration and conditions are checked, the file streams to a new blob
 * within the content-length-range, and the version is published like a PUT.
 */
export async function postObject(ctx: OperationContext<'PostObject'>): Promise<S3Result> {
  const { bucket } = ctx.operation;
  const form = ctx.form;
  if (!form) throw new Error('PostObject dispatched without its form');
  const { fields } = form;
  const range = checkPostPolicy(parsePostPolicy(fields.get('policy') ?? ''), fields, bucket, new Date());
  const rawKey = fields.get('key');
  if (rawKey === undefined) throw missingField('key');
  if (!form.file) throw new S3Error('IncorrectNumberOfFilesInPostRequest');
  const key = rawKey.split('${filename}').join(form.file.filename);
  if (key === '') throw new S3Error('InvalidArgument', 'User key must have a length greater than 0.', { ArgumentName: 'key', ArgumentValue: '' });
  assertValidKey(key);
  const acl = fields.get('acl');
  if (acl !== undefined && !CANNED_ACLS.includes(acl)) throw new S3Error('InvalidArgument', undefined, { ArgumentName: 'acl', ArgumentValue: acl });
  const tagging = fields.get('tagging');
  const tags = tagging !== undefined ? parseTaggingXml(tagging) : undefined;
  const headers: ObjectHeaders = {};
  for (const [field, name] of STORED_FIELDS) {
    const value = fields.get(name);
    if (value !== undefined && value !== '') headers[field] = value;
  }
  const userMetadata = userMetadataFrom(Object.fromEntries([...fields].filter(([name]) => name.startsWith('x-amz-meta-'))));
  await assertBucketExists(ctx, bucket);

  const maxSize = Math.min(range?.max ?? Infinity, ctx.config.maxPutBytes);
  const file = form.file.stream;
  const version = await commitBlob(
    ctx,
    () => ctx.services.blob.put(ctx.caller.orgId, file, { maxSize, requestId: ctx.requestId }),
    (stored) => {
      if (range && stored.size < range.min) {
        throw new S3Error('EntityTooSmall', undefined, { ProposedSize: String(stored.size), MinSizeAllowed: String(range.min) });
      }
      return commitObjectVersion(ctx, bucket, key, stored, { headers, userMetadata, checksums: stored.checksums, acl, tags });
    },
  );
  return postResponse(ctx, fields, bucket, key, writeResponseHeaders(version));
}

/**
 * success_action_redirect (or the older `redirect`) answers 303 to that URL with bucket, key and
 * etag appended; otherwise success_action_status picks 200, 201 (with a PostResponse document)
 * or, by default and for any other value, 204.
 */
function postResponse(ctx: OperationContext, fields: Map<string, string>, bucket: string, key: string, headers: Record<string, string | undefined>): S3Result {
  const location = `http://${header(ctx.req, 'host') ?? 'localhost'}/${bucket}/${encodeURI(key)}`;
  const redirect = fields.get('success_action_redirect') ?? fields.get('redirect');
  const target = redirect !== undefined ? parseUrl(redirect) : undefined;
  if (target) {
    target.searchParams.append('bucket', bucket);
    target.searchParams.append('key', key);
    target.searchParams.append('etag', headers.etag ?? '');
    return { status: 303, headers: { ...headers, location: target.toString() } };
  }
  const status = fields.get('success_action_status');
  if (status === '201') {
    return {
      status: 201,
      headers: { ...headers, location },
      xml: toXml('PostResponse', { Location: location, Bucket: bucket, Key: key, ETag: headers.etag }, { xmlns: false }),
    };
  }
  return { status: status === '200' ? 200 : 204, headers: { ...headers, location } };
}

function parseUrl(value: string): URL | undefined {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

function missingField(name: string): S3Error {
  return new S3Error('InvalidArgument', `Bucket POST must contain a field named '${name}'.  If it is specified, please check the order of the fields.`, {
    ArgumentName: name,
    ArgumentValue: '',
  });
}
