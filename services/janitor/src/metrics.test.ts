import { createServiceMetrics } from '@excloud/service-kit';
import { createJanitorMetrics } from './metrics';

function value(text: string, metric: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(metric + '{') || l.startsWith(metric + ' '));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('janitor gauges', () => {
  it('are read from metadata while /metrics renders, one read per scrape', async () => {
    const base = createServiceMetrics('janitor');
    const metrics = createJanitorMetrics(base);
    let reads = 0;
    metrics.readStatsFrom(async () => {
      reads++;
      return { outboxPending: 7127, activeUploads: 3, outboxOldestSeconds: 4200 };
    });
    const text = await base.registry.metrics();
    expect(value(text, 'excloud_janitor_outbox_pending')).toBe(7127);
    expect(value(text, 'excloud_janitor_active_uploads')).toBe(3);
    expect(value(text, 'excloud_janitor_outbox_oldest_age_seconds')).toBe(4200);
    expect(value(text, 'excloud_janitor_stats_up')).toBe(1);
    expect(reads).toBe(1);
    expect(text).toContain('excloud_service="janitor"');
  });

  it('report stats_up 0 when metadata cannot be read, and keep the last values', async () => {
    const base = createServiceMetrics('janitor');
    const metrics = createJanitorMetrics(base);
    let fail = false;
    metrics.readStatsFrom(async () => {
      if (fail) throw new Error('metadata down');
      return { outboxPending: 5, activeUploads: 1 };
    });
    await base.registry.metrics();
    fail = true;
    const text = await base.registry.metrics();
    expect(value(text, 'excloud_janitor_stats_up')).toBe(0);
    expect(value(text, 'excloud_janitor_outbox_pending')).toBe(5);
  });

  it('export BullMQ job counts per queue and state', async () => {
    const base = createServiceMetrics('janitor');
    const metrics = createJanitorMetrics(base);
    metrics.readQueuesFrom(async () => ({ outbox: { waiting: 2, active: 1, delayed: 0, failed: 4 } }));
    const text = await base.registry.metrics();
    expect(text).toContain('excloud_janitor_queue_jobs{queue="outbox",state="failed",excloud_service="janitor"} 4');
    expect(text).toContain('excloud_janitor_queue_jobs{queue="outbox",state="waiting",excloud_service="janitor"} 2');
  });
});
