import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * One registry per service. Labels come from closed sets: the operation name (never a path),
 * the status code, the backend name.
 */
export interface ServiceMetrics {
  registry: Registry;
  httpDuration: Histogram<'operation' | 'status'>;
  httpRequests: Counter<'operation' | 'status'>;
}

export function createServiceMetrics(service: string): ServiceMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  const httpDuration = new Histogram({
    name: 'excloud_http_request_duration_seconds',
    help: 'Time from request start to response end, by operation',
    labelNames: ['operation', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const httpRequests = new Counter({
    name: 'excloud_http_requests_total',
    help: 'Requests served, by operation and status',
    labelNames: ['operation', 'status'],
    registers: [registry],
  });
  return { registry, httpDuration, httpRequests };
}
