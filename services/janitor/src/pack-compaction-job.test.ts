import { createServiceMetrics } from '@excloud/service-kit';
import { createJanitorMetrics } from './metrics';
import { compactPacks, type PackCompactionClient } from './pack-compaction-job';

describe('pack compaction job', () => {
  it('calls the blob service with the system token and counts the bytes it freed', async () => {
    const base = createServiceMetrics('janitor-test');
    const metrics = createJanitorMetrics(base);
    const calls: string[] = [];
    const client = {
      compact: async (token: string) => {
        calls.push(token);
        return { segments: 2, removedBytes: 5000, copiedBytes: 1200 };
      },
    } as unknown as PackCompactionClient;
    await expect(compactPacks({ token: async () => 'system-token', metrics }, client)).resolves.toEqual({ segments: 2, removedBytes: 5000, copiedBytes: 1200 });
    expect(calls).toEqual(['system-token']);
    expect(await base.registry.getSingleMetricAsString('excloud_janitor_bytes_reclaimed_total')).toMatch(/source="pack"[^\n]* 3800/);
  });

  it('fails the job (so BullMQ retries) when the blob service refuses', async () => {
    const metrics = createJanitorMetrics(createServiceMetrics('janitor-test'));
    const client = { compact: async () => Promise.reject(new Error('503')) } as unknown as PackCompactionClient;
    await expect(compactPacks({ token: async () => 't', metrics }, client)).rejects.toThrow('503');
  });
});
