import { S3Error } from '@excloud/s3-protocol';
import { unquoteEtag } from './rows';

/**
 * If-Match / If-None-Match on a write, evaluated against the key's live latest version while the
 * key is locked, so the check and the publish are one atomic step.
 */
export function assertWriteConditions(cond: { ifMatch?: string; ifNoneMatch?: string }, live: { etag: string | null } | undefined): void {
  if (cond.ifNoneMatch !== undefined && live && etagListMatches(cond.ifNoneMatch, live.etag ?? '')) {
    throw new S3Error('PreconditionFailed', undefined, { Condition: 'If-None-Match' });
  }
  if (cond.ifMatch !== undefined) {
    if (!live) throw new S3Error('NoSuchKey');
    if (!etagListMatches(cond.ifMatch, live.etag ?? '')) throw new S3Error('PreconditionFailed', undefined, { Condition: 'If-Match' });
  }
}

/** An HTTP entity-tag list: `*`, or comma-separated tags compared without quotes (or a weak W/ prefix). */
export function etagListMatches(condition: string, etag: string): boolean {
  const list = parseEtagList(condition);
  return list.any || list.tags.includes(unquoteEtag(etag));
}

/** The list as put_object_version takes it: whether it holds `*`, and the other tags unquoted. */
export function parseEtagList(condition: string): { any: boolean; tags: string[] } {
  const items = condition.split(',').map((t) => t.trim());
  return { any: items.includes('*'), tags: items.filter((t) => t !== '*').map((t) => unquoteEtag(t.replace(/^W\//, ''))) };
}
