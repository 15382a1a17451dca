import type { BlobClient, MetadataSystemClient, OutboxRow } from '@excloud/internal-client';
import { createLogger, createServiceMetrics } from '@excloud/service-kit';
import { drainOutbox, expireUploads, sweepOrphans, type JobDeps } from './jobs';
import { createJanitorMetrics } from './metrics';

/** In-memory stand-ins for metadata and blob with the same contracts (idempotent deletes). */
function world(opts: { outbox?: OutboxRow[]; blobs?: Array<{ id: string; ageSeconds: number }>; referenced?: string[]; failDeletes?: Set<string> }) {
  const outbox = [...(opts.outbox ?? [])];
  const blobs = new Map((opts.blobs ?? []).map((b) => [b.id, new Date(Date.now() - b.ageSeconds * 1000).toISOString()]));
  const deleted: string[] = [];
  const metadata = {
    pendingOutbox: async (_t: string, o: { limit: number }) => ({ rows: outbox.slice(0, o.limit) }),
    ackOutbox: async (_t: string, ids: number[]) => {
      for (const id of ids) outbox.splice(outbox.findIndex((r) => r.id === id), 1);
    },
    expireUploads: async () => ({ expired: 3 }),
    referencedBlobs: async (_t: string, ids: string[]) => ({ referenced: ids.filter((id) => opts.referenced?.includes(id)) }),
  } as unknown as MetadataSystemClient;
  const blob = {
    systemDelete: async (_t: string, id: string) => {
      if (opts.failDeletes?.has(id)) throw new Error('backend down');
      blobs.delete(id);
      deleted.push(id);
    },
    systemList: async (_t: string, o: { after?: string; limit?: number }) => {
      const ids = [...blobs.keys()].sort().filter((id) => o.after === undefined || id > o.after);
      const page = ids.slice(0, o.limit ?? 1000);
      return { blobs: page.map((id) => ({ id, size: 10, lastModified: blobs.get(id)! })), next: ids.length > page.length ? page.at(-1) : undefined };
    },
  } as unknown as BlobClient;
  const deps: JobDeps = {
    metadata,
    blob,
    token: async () => 'system-token',
    metrics: createJanitorMetrics(createServiceMetrics('janitor-test')),
    log: createLogger({}, { level: 'error' }),
    outboxGraceSeconds: 600,
    uploadMaxAgeSeconds: 86_400,
    orphanGraceSeconds: 3600,
  };
  return { deps, outbox, blobs, deleted };
}

const row = (id: number, blobId: string): OutboxRow => ({ id, orgId: 'acme', blobId, size: 100 });

describe('drainOutbox', () => {
  it('deletes each blob, then acknowledges its row', async () => {
    const w = world({ outbox: [row(1, 'acme/d/a'), row(2, 'acme/d/b')] });
    expect(await drainOutbox(w.deps)).toEqual({ deleted: 2 });
    expect(w.deleted.sort()).toEqual(['acme/d/a', 'acme/d/b']);
    expect(w.outbox).toEqual([]);
  });

  it('keeps the row of a failed delete for the next run and fails the job (so it is retried)', async () => {
    const w = world({ outbox: [row(1, 'acme/d/a'), row(2, 'acme/d/b')], failDeletes: new Set(['acme/d/b']) });
    await expect(drainOutbox(w.deps)).rejects.toThrow(/1 outbox blob deletes failed/);
    expect(w.outbox.map((r) => r.id)).toEqual([2]);
  });
});

describe('sweepOrphans', () => {
  it('removes only old blobs that nothing references', async () => {
    const w = world({
      blobs: [
        { id: 'acme/d/live', ageSeconds: 7200 },
        { id: 'acme/d/orphan', ageSeconds: 7200 },
        { id: 'acme/d/young', ageSeconds: 10 },
      ],
      referenced: ['acme/d/live'],
    });
    expect(await sweepOrphans(w.deps)).toEqual({ scanned: 3, removed: 1 });
    expect(w.deleted).toEqual(['acme/d/orphan']);
    expect([...w.blobs.keys()].sort()).toEqual(['acme/d/live', 'acme/d/young']);
  });
});

describe('expireUploads', () => {
  it('reports what metadata expired', async () => {
    expect(await expireUploads(world({}).deps)).toEqual({ expired: 3 });
  });
});
