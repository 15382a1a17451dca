import perfHooks from 'node:perf_hooks';
import { createServiceMetrics, EVENT_LOOP_SAMPLE_MS, SERVICE_LABEL } from './metrics';

describe('createServiceMetrics', () => {
  afterEach(() => jest.restoreAllMocks());

  it('samples the event-loop delay every 100 ms, not every 10 ms (each sample wakes an idle process)', () => {
    const monitor = jest.spyOn(perfHooks, 'monitorEventLoopDelay');
    createServiceMetrics('sampling-test');
    expect(monitor).toHaveBeenCalledWith({ resolution: EVENT_LOOP_SAMPLE_MS });
    expect(EVENT_LOOP_SAMPLE_MS).toBeGreaterThanOrEqual(100);
  });

  it('still exports the event-loop lag percentiles and the request metrics, labelled with the service', async () => {
    const { registry, httpRequests } = createServiceMetrics('lag-test');
    httpRequests.inc({ operation: 'put_blob', status: '200' });
    const text = await registry.metrics();
    expect(text).toMatch(/^nodejs_eventloop_lag_p99_seconds\{excloud_service="lag-test"\} /m);
    expect(text).toContain(`excloud_http_requests_total{operation="put_blob",status="200",${SERVICE_LABEL}="lag-test"} 1`);
  });
});
