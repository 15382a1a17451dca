import type { IncomingMessage } from 'node:http';
import { S3Error } from '@excloud/s3-protocol';
import { evaluateReadConditions } from './conditions';
import { header } from '@excloud/contracts';
import type { ObjectVersion } from '@excloud/contracts';

export interface CopySource {
  bucket: string;
  key: string;
  versionId?: string;
}

/** `x-amz-copy-source`: URL-encoded `[/]bucket/key[?versionId=...]`. */
export function parseCopySource(raw: string | undefined): CopySource {
  if (raw === undefined || raw === '') throw new S3Error('InvalidArgument', 'Copy Source must mention the source bucket and key: sourcebucket/sourcekey', { ArgumentName: 'x-amz-copy-source' });
  const q = raw.indexOf('?');
  const pathPart = q === -1 ? raw : raw.slice(0, q);
  const params = new URLSearchParams(q === -1 ? '' : raw.slice(q + 1));
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathPart.replace(/^\//, ''));
  } catch {
    throw new S3Error('InvalidArgument', 'Invalid copy source encoding', { ArgumentName: 'x-amz-copy-source' });
  }
  const slash = decoded.indexOf('/');
  if (slash <= 0 || slash === decoded.length - 1) {
    throw new S3Error('InvalidArgument', 'Copy Source must mention the source bucket and key: sourcebucket/sourcekey', { ArgumentName: 'x-amz-copy-source' });
  }
  const versionId = params.get('versionId') ?? undefined;
  return { bucket: decoded.slice(0, slash), key: decoded.slice(slash + 1), versionId: versionId === '' ? undefined : versionId };
}

/**
 * The x-amz-copy-source-if-* conditions: same precedence as a GET, but every failure is a 412
 * (a copy has no 304).
 */
export function evaluateCopySourceConditions(req: IncomingMessage, source: ObjectVersion): void {
  try {
    evaluateReadConditions(
      {
        ifMatch: header(req, 'x-amz-copy-source-if-match'),
        ifNoneMatch: header(req, 'x-amz-copy-source-if-none-match'),
        ifModifiedSince: header(req, 'x-amz-copy-source-if-modified-since'),
        ifUnmodifiedSince: header(req, 'x-amz-copy-source-if-unmodified-since'),
      },
      source.etag,
      new Date(source.lastModified),
    );
  } catch (err) {
    if (err instanceof S3Error && err.code === 'NotModified') throw new S3Error('PreconditionFailed', undefined, { Condition: 'x-amz-copy-source-If-None-Match' });
    throw err;
  }
}
