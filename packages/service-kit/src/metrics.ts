import diagnostics from 'node:diagnostics_channel';
import type { ClientRequest, IncomingMessage } from 'node:http';
import type { Pool } from 'pg';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * One registry per service. Labels come from closed sets: the operation name (never a path),
 * the status code, the backend name, the peer service.
 *
 * The service name is the default label `excloud_service`, not `service`: a Prometheus Operator
 * ServiceMonitor sets the target label `service` (the Kubernetes Service name) and would rename
 * ours to `exported_service`, emptying every panel that selects on it.
 */
export interface ServiceMetrics {
  registry: Registry;
  httpDuration: Histogram<'operation' | 'status'>;
  httpRequests: Counter<'operation' | 'status'>;
}

export const SERVICE_LABEL = 'excloud_service';

/**
 * How often the event-loop delay monitor samples (prom-client's default is 10 ms). Each sample is a
 * timer that wakes an idle process, and on our VMs a wake-up costs ~80 µs: at 10 ms an idle
 * service burned 8 ms of CPU per second, 0.9 at 100 ms (measured with a bare Node 24 process).
 * A loop blocked for longer than this still shows in the lag percentiles.
 */
export const EVENT_LOOP_SAMPLE_MS = 100;

export function createServiceMetrics(service: string): ServiceMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ [SERVICE_LABEL]: service });
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
  const httpDuration = new Histogram({
    name: 'excloud_http_request_duration_seconds',
    help: 'Time from request start to response end, by operation',
    labelNames: ['operation', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const httpRequests = new Counter({
    name: 'excloud_http_requests_total',
    help: 'Requests served, by operation and status (an HTTP code, or truncated / client_aborted when the body broke off)',
    labelNames: ['operation', 'status'],
    registers: [registry],
  });
  return { registry, httpDuration, httpRequests };
}

/**
 * `excloud_ready`: the service's readiness check run at scrape time (1 ready, 0 not), so alerts
 * see whether its own dependencies answer (Postgres for auth and metadata, Redis for the janitor)
 * whether or not anything probes /readyz.
 */
export function readinessGauge(metrics: ServiceMetrics, ready: () => Promise<void>): void {
  if (metrics.registry.getSingleMetric('excloud_ready')) return;
  new Gauge({
    name: 'excloud_ready',
    help: 'Result of the readiness check at scrape time (1 ready, 0 not)',
    registers: [metrics.registry],
    async collect() {
      this.set(await ready().then(() => 1, () => 0));
    },
  });
}

/** Postgres pool saturation, read at scrape time: waiting > 0 means requests queue for a connection. */
export function instrumentPool(metrics: ServiceMetrics, pool: Pool): void {
  const registers = [metrics.registry];
  const max = (pool as Pool & { options?: { max?: number } }).options?.max ?? 10;
  new Gauge({ name: 'excloud_db_pool_max', help: 'Configured Postgres pool size', registers }).set(max);
  new Gauge({ name: 'excloud_db_pool_connections', help: 'Open Postgres connections (idle or in use)', registers, collect() { this.set(pool.totalCount); } });
  new Gauge({ name: 'excloud_db_pool_idle', help: 'Idle Postgres connections', registers, collect() { this.set(pool.idleCount); } });
  new Gauge({ name: 'excloud_db_pool_waiting', help: 'Queries waiting for a free Postgres connection', registers, collect() { this.set(pool.waitingCount); } });
}

/**
 * Latency of this process's outgoing HTTP calls by peer, up to the response headers, observed
 * through diagnostics channels: node:http's and the internal client's (no code in the clients). `peers` maps "host:port" to
 * a peer name; any other target is counted as "other", so the label set stays closed. In local
 * mode every service shares one process and so sees every service's calls.
 */
export function instrumentPeers(metrics: ServiceMetrics, peers: Record<string, string>): void {
  const duration = new Histogram({
    name: 'excloud_internal_call_duration_seconds',
    help: 'Outgoing HTTP call latency up to the response headers, by peer and outcome (2xx, 4xx, 5xx, error)',
    labelNames: ['peer', 'outcome'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [metrics.registry],
  });
  const started = new WeakMap<ClientRequest, bigint>();
  const peerOf = (req: ClientRequest) => {
    const host = String(req.getHeader('host') ?? req.host);
    return peers[host.includes(':') ? host : `${host}:80`] ?? 'other';
  };
  const observe = (req: ClientRequest, outcome: string) => {
    const t0 = started.get(req);
    if (t0 === undefined) return;
    started.delete(req);
    duration.observe({ peer: peerOf(req), outcome }, Number(process.hrtime.bigint() - t0) / 1e9);
  };
  diagnostics.subscribe('http.client.request.start', (m) => started.set((m as { request: ClientRequest }).request, process.hrtime.bigint()));
  diagnostics.subscribe('http.client.response.finish', (m) => {
    const { request, response } = m as { request: ClientRequest; response: IncomingMessage };
    observe(request, `${String(response.statusCode ?? 0)[0]}xx`);
  });
  diagnostics.subscribe('http.client.request.error', (m) => observe((m as { request: ClientRequest }).request, 'error'));
  // The internal client is not node:http: it publishes its own calls (see @excloud/internal-client).
  diagnostics.subscribe(INTERNAL_CALL_CHANNEL, (m) => {
    const { peer, outcome, seconds } = m as { peer: string; outcome: string; seconds: number };
    duration.observe({ peer: peers[peer] ?? 'other', outcome }, seconds);
  });
}

/** The diagnostics channel @excloud/internal-client publishes each call on (same name there). */
export const INTERNAL_CALL_CHANNEL = 'excloud:internal-client:call';

/** "host:port" of a service URL, as the Host header of a request to it reads. */
export function peerKey(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || (u.protocol === 'https:' ? '443' : '80')}`;
}
