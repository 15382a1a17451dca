import { toS3Error } from '../backend-errors';
import type { BlobRouteDeps } from './deps';

export const MAX_LIST_LIMIT = 1000;

export interface BlobListPage {
  /** `size` is stored (encrypted) bytes: plaintext sizes live only in object manifests. */
  blobs: Array<{ id: string; size: number; lastModified: string }>;
  /** Pass as `after` to get the next page; absent on the last page. */
  next?: string;
}

/** One page of blob ids in order; one extra entry tells whether another page exists without a second round trip. */
export async function listPage(deps: BlobRouteDeps, opts: { prefix?: string; after?: string; limit: number }): Promise<BlobListPage> {
  const page: BlobListPage = { blobs: [] };
  try {
    for await (const entry of deps.backend.list({ prefix: opts.prefix, after: opts.after, limit: opts.limit + 1 })) {
      if (page.blobs.length === opts.limit) {
        page.next = page.blobs[opts.limit - 1]!.id;
        break;
      }
      page.blobs.push({ id: entry.id, size: entry.size, lastModified: entry.lastModified.toISOString() });
    }
  } catch (err) {
    throw toS3Error(err);
  }
  return page;
}
