import { unquoteEtag } from './rows';

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
