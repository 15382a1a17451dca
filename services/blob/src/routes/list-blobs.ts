import type { Request, Response } from 'express';
import type { OrgId } from '@excloud/contracts';
import { S3Error } from '@excloud/s3-protocol';
import { orgOf } from '@excloud/service-kit';
import { toS3Error } from '../backend-errors';
import { orgPrefix } from '../blob-id';
import type { BlobRouteDeps } from './deps';

export const MAX_LIST_LIMIT = 1000;

export interface BlobListPage {
  /** `size` is stored (encrypted) bytes: plaintext sizes live only in object manifests. */
  blobs: Array<{ id: string; size: number; lastModified: string }>;
  /** Pass as `after` to get the next page; absent on the last page. */
  next?: string;
}

function queryString(req: Request, name: string): string | undefined {
  const v = req.query[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new S3Error('InvalidArgument', `${name} must be given once`);
  return v;
}

/**
 * `prefix` is a blob-id prefix. It is narrowed to the caller's org: a prefix that only stops short
 * of the org segment ('', 'ac', 'acme/') means the whole org; one naming another org is refused.
 */
function scopedPrefix(orgId: OrgId, prefix: string | undefined): string {
  const own = orgPrefix(orgId);
  if (prefix === undefined || own.startsWith(prefix)) return own;
  if (prefix.startsWith(own)) return prefix;
  throw new S3Error('AccessDenied', 'prefix is outside your org');
}

function parseLimit(raw: string | undefined): number {
  if (raw === undefined) return MAX_LIST_LIMIT;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > MAX_LIST_LIMIT) {
    throw new S3Error('InvalidArgument', `limit must be an integer from 1 to ${MAX_LIST_LIMIT}`);
  }
  return n;
}

/** GET /v1/blobs?prefix=&after=&limit= — the caller's blobs in id order (for the orphan sweep). */
export function listBlobsRoute(deps: BlobRouteDeps) {
  return async (req: Request, res: Response): Promise<void> => {
    res.locals.operation = 'list_blobs';
    const prefix = scopedPrefix(orgOf(res), queryString(req, 'prefix'));
    const after = queryString(req, 'after');
    const limit = parseLimit(queryString(req, 'limit'));
    res.json(await listPage(deps, { prefix, after, limit }));
  };
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
