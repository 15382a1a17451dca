import { InternalClient } from './http';

export interface OutboxRow {
  id: number;
  orgId: string;
  blobId: string;
  /** Stored plaintext bytes of the blob, when known (for the bytes-reclaimed metric). */
  size: number | null;
}

/**
 * The janitor's view of metadata: cross-org maintenance behind a system token. Every call is
 * idempotent, so a retried job never does harm.
 */
export class MetadataSystemClient {
  private readonly http: InternalClient;
  constructor(baseUrl: string) {
    this.http = new InternalClient(baseUrl);
  }

  /** Outbox rows older than the grace period, oldest first. */
  pendingOutbox(token: string, opts: { olderThanSeconds: number; limit: number }): Promise<{ rows: OutboxRow[] }> {
    return this.http.json({ method: 'GET', path: `/v1/system/outbox?olderThanSeconds=${opts.olderThanSeconds}&limit=${opts.limit}`, token });
  }

  /** Forget rows whose blobs are deleted. */
  async ackOutbox(token: string, ids: number[]): Promise<void> {
    await this.http.json({ method: 'POST', path: '/v1/system/outbox/ack', token, json: { ids } });
  }

  /** Abort uploads idle longer than the given age; their parts go to the outbox. */
  expireUploads(token: string, opts: { olderThanSeconds: number; limit: number }): Promise<{ expired: number }> {
    return this.http.json({ method: 'POST', path: '/v1/system/uploads/expire', token, json: opts });
  }

  /** Which of these blob ids are still needed (by a version, an upload part, or a young outbox row). */
  referencedBlobs(token: string, blobIds: string[], graceSeconds: number): Promise<{ referenced: string[] }> {
    return this.http.json({ method: 'POST', path: '/v1/system/blobs/referenced', token, json: { blobIds, graceSeconds } });
  }

  stats(token: string): Promise<{ outboxPending: number; activeUploads: number; outboxOldestSeconds?: number }> {
    return this.http.json({ method: 'GET', path: '/v1/system/stats', token });
  }
}
