import { Counter, Gauge } from 'prom-client';
import type { ServiceMetrics } from '@excloud/service-kit';

export interface JanitorStats {
  outboxPending: number;
  activeUploads: number;
  outboxOldestSeconds?: number;
}

/** Job counts per queue and BullMQ state (waiting, active, delayed, failed). */
export type QueueCounts = Record<string, Record<string, number>>;

export interface JanitorMetrics {
  jobs: Counter<'queue' | 'result'>;
  uploadsExpired: Counter;
  orphansFound: Counter;
  orphansRemoved: Counter;
  bytesReclaimed: Counter<'source'>;
  usageDrift: Counter;
  /** Where the gauges read metadata's counts at scrape time. */
  readStatsFrom(source: () => Promise<JanitorStats>): void;
  /** Where the queue gauges read BullMQ's job counts at scrape time (BullMQ mode only). */
  readQueuesFrom(source: () => Promise<QueueCounts>): void;
}

/** A scrape must answer even while metadata or Redis hangs: give up after this long. */
const SCRAPE_READ_TIMEOUT_MS = 2000;

/**
 * Gauges are computed by prom-client's collect() while /metrics renders, so they are fresh
 * whatever the job intervals and do not depend on middleware order. One read per scrape feeds
 * all gauges of a source; a failed read leaves `excloud_janitor_stats_up` at 0 and the gauges
 * at their last value.
 */
export function createJanitorMetrics(base: ServiceMetrics): JanitorMetrics {
  const registers = [base.registry];
  let statsSource: (() => Promise<JanitorStats>) | undefined;
  let queuesSource: (() => Promise<QueueCounts>) | undefined;
  const stats = oncePerScrape(async () => (statsSource ? withTimeout(statsSource()) : undefined));
  const queues = oncePerScrape(async () => (queuesSource ? withTimeout(queuesSource()) : undefined));
  const fromStats = (name: string, help: string, pick: (s: JanitorStats) => number | undefined) =>
    new Gauge({
      name,
      help,
      registers,
      async collect() {
        const s = await stats().catch(() => undefined);
        const v = s && pick(s);
        if (v !== undefined) this.set(v);
      },
    });
  fromStats('excloud_janitor_outbox_pending', 'Outbox rows waiting for deletion', (s) => s.outboxPending);
  fromStats('excloud_janitor_active_uploads', 'Multipart uploads in progress', (s) => s.activeUploads);
  fromStats('excloud_janitor_outbox_oldest_age_seconds', 'Age of the oldest outbox row (0 when empty)', (s) => s.outboxOldestSeconds);
  new Gauge({
    name: 'excloud_janitor_stats_up',
    help: '1 if the last scrape could read metadata counts, else 0',
    registers,
    async collect() {
      this.set((await stats().then(Boolean, () => false)) ? 1 : 0);
    },
  });
  new Gauge({
    name: 'excloud_janitor_queue_jobs',
    help: 'BullMQ jobs per queue and state (waiting, active, delayed, failed)',
    labelNames: ['queue', 'state'],
    registers,
    async collect() {
      const counts = await queues().catch(() => undefined);
      for (const [queue, byState] of Object.entries(counts ?? {})) {
        for (const [state, n] of Object.entries(byState)) this.set({ queue, state }, n);
      }
    },
  });
  return {
    jobs: new Counter({ name: 'excloud_janitor_jobs_total', help: 'Janitor jobs by queue and result', labelNames: ['queue', 'result'], registers }),
    uploadsExpired: new Counter({ name: 'excloud_janitor_uploads_expired_total', help: 'Multipart uploads aborted for age', registers }),
    orphansFound: new Counter({ name: 'excloud_janitor_orphans_found_total', help: 'Unreferenced blobs found by the sweep', registers }),
    orphansRemoved: new Counter({ name: 'excloud_janitor_orphans_removed_total', help: 'Unreferenced blobs deleted by the sweep', registers }),
    bytesReclaimed: new Counter({ name: 'excloud_janitor_bytes_reclaimed_total', help: 'Bytes of deleted blobs (when known)', labelNames: ['source'], registers }),
    usageDrift: new Counter({ name: 'excloud_janitor_usage_drift_total', help: 'Orgs whose usage counters differed from a recount (should stay 0)', registers }),
    readStatsFrom: (source) => void (statsSource = source),
    readQueuesFrom: (source) => void (queuesSource = source),
  };
}

/** Shares one in-flight read between the gauges collected by the same scrape. */
function oncePerScrape<T>(read: () => Promise<T>): () => Promise<T> {
  let inflight: Promise<T> | undefined;
  return () =>
    (inflight ??= read().finally(() => {
      inflight = undefined;
    }));
}

function withTimeout<T>(p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('scrape read timed out')), SCRAPE_READ_TIMEOUT_MS);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
