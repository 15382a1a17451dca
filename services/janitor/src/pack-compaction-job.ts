import { BLOB_ROUTES } from '@excloud/contracts';
import { InternalClient } from '@excloud/internal-client';
import type { JobDeps } from './jobs';

export interface PackCompactionResult {
  segments: number;
  removedBytes: number;
  copiedBytes: number;
}

/** Rewriting a few 64 MiB segments takes longer than a usual internal call may; it is idempotent, so a retry after a timeout only finds less to do. */
const COMPACTION_CALL_TIMEOUT_MS = 10 * 60_000;

/** The blob service's compaction route (services/blob/src/routes/system-compact.ts), behind the system token. */
export class PackCompactionClient {
  private readonly http: InternalClient;
  constructor(baseUrl: string) {
    this.http = new InternalClient(baseUrl, COMPACTION_CALL_TIMEOUT_MS);
  }

  compact(token: string, opts: { minDeadFraction?: number } = {}): Promise<PackCompactionResult> {
    const query = opts.minDeadFraction === undefined ? '' : `?minDeadFraction=${opts.minDeadFraction}`;
    return this.http.json({ method: 'POST', path: `${BLOB_ROUTES.systemCompact}${query}`, token });
  }
}

/**
 * Deleted small blobs leave dead records in the blob service's pack segments (the filesystem
 * backend's packed layout); this asks the blob service to rewrite the mostly-dead ones. Without
 * packing the blob service answers zeros.
 */
export async function compactPacks(d: Pick<JobDeps, 'token' | 'metrics'>, client: PackCompactionClient): Promise<PackCompactionResult> {
  const result = await client.compact(await d.token());
  const freed = result.removedBytes - result.copiedBytes;
  if (freed > 0) d.metrics.bytesReclaimed.inc({ source: 'pack' }, freed);
  return result;
}
