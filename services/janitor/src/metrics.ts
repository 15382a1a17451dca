import { Counter, Gauge } from 'prom-client';
import type { ServiceMetrics } from '@excloud/service-kit';

export interface JanitorMetrics {
  jobs: Counter<'queue' | 'result'>;
  uploadsExpired: Counter;
  orphansFound: Counter;
  orphansRemoved: Counter;
  bytesReclaimed: Counter<'source'>;
  outboxPending: Gauge;
  activeUploads: Gauge;
  usageDrift: Counter;
}

export function createJanitorMetrics(base: ServiceMetrics): JanitorMetrics {
  const registers = [base.registry];
  return {
    jobs: new Counter({ name: 'excloud_janitor_jobs_total', help: 'Janitor jobs by queue and result', labelNames: ['queue', 'result'], registers }),
    uploadsExpired: new Counter({ name: 'excloud_janitor_uploads_expired_total', help: 'Multipart uploads aborted for age', registers }),
    orphansFound: new Counter({ name: 'excloud_janitor_orphans_found_total', help: 'Unreferenced blobs found by the sweep', registers }),
    orphansRemoved: new Counter({ name: 'excloud_janitor_orphans_removed_total', help: 'Unreferenced blobs deleted by the sweep', registers }),
    bytesReclaimed: new Counter({ name: 'excloud_janitor_bytes_reclaimed_total', help: 'Bytes of deleted blobs (when known)', labelNames: ['source'], registers }),
    outboxPending: new Gauge({ name: 'excloud_janitor_outbox_pending', help: 'Outbox rows waiting for deletion', registers }),
    activeUploads: new Gauge({ name: 'excloud_janitor_active_uploads', help: 'Multipart uploads in progress', registers }),
    usageDrift: new Counter({ name: 'excloud_janitor_usage_drift_total', help: 'Orgs whose usage counters differed from a recount (should stay 0)', registers }),
  };
}
