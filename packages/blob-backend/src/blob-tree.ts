/** The filesystem backend's blobs directory: one file per blob, its id's segments as the path. */
import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { BlobListEntry } from './backend';
import { isValidBlobId } from './validation';

const SEGMENT = /^[A-Za-z0-9_-]+$/;

export function errCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | null)?.code;
}

/** "No such blob" as the file system says it: missing file, or a path component that is a file. */
export function isMissing(err: unknown): boolean {
  const code = errCode(err);
  return code === 'ENOENT' || code === 'ENOTDIR';
}

export function blobPath(blobsDir: string, id: string): string {
  return join(blobsDir, ...id.split('/'));
}

/**
 * Depth-first walk that yields ids in byte order. Siblings are sorted by the key they contribute
 * to ids — `name/` for directories — because 'a/x' must sort after 'a-b' ('-' < '/') even though
 * directory 'a' sorts before file 'a-b' by name. Subtrees entirely outside prefix/after are skipped,
 * so paging with `after` doesn't rescan what was already listed.
 */
export async function* walkBlobTree(blobsDir: string, dirKey: string, prefix: string, after: string): AsyncGenerator<BlobListEntry> {
  let entries: Dirent[];
  try {
    entries = await readdir(join(blobsDir, ...dirKey.split('/').filter(Boolean)), { withFileTypes: true });
  } catch (err) {
    if (isMissing(err)) return;
    throw err;
  }
  const items: { key: string; isDir: boolean }[] = [];
  for (const e of entries) {
    if (!SEGMENT.test(e.name)) continue; // stray files that no valid id could name
    if (e.isDirectory()) items.push({ key: `${dirKey}${e.name}/`, isDir: true });
    else if (e.isFile()) items.push({ key: dirKey + e.name, isDir: false });
  }
  items.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const { key, isDir } of items) {
    if (isDir) {
      const matchesPrefix = key.startsWith(prefix) || prefix.startsWith(key);
      // Every id below `key` is greater than `key`; if `after` is past `key` without extending it, all are <= after.
      const mayFollowAfter = key > after || after.startsWith(key);
      if (matchesPrefix && mayFollowAfter) yield* walkBlobTree(blobsDir, key, prefix, after);
      continue;
    }
    if (!key.startsWith(prefix) || key <= after || !isValidBlobId(key)) continue;
    try {
      const st = await stat(blobPath(blobsDir, key));
      if (st.isFile()) yield { id: key, size: st.size, lastModified: st.mtime };
    } catch (err) {
      if (!isMissing(err)) throw err; // deleted since readdir: just skip it
    }
  }
}
