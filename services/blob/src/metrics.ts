import { Counter, Histogram } from 'prom-client';
import type { BlobBackendMetrics } from '@excloud/blob-backend';
import { createServiceMetrics, type ServiceMetrics } from '@excloud/service-kit';

export interface BlobMetrics extends ServiceMetrics {
  /** Plaintext bytes accepted into durable blobs. */
  bytesWritten: Counter;
  /** Plaintext bytes sent to readers. */
  bytesRead: Counter;
  backend: BlobBackendMetrics;
}

export function createBlobMetrics(): BlobMetrics {
  const base = createServiceMetrics('blob');
  const bytesWritten = new Counter({
    name: 'excloud_blob_bytes_written_total',
    help: 'Plaintext bytes stored in blobs (counted once the blob is durable)',
    registers: [base.registry],
  });
  const bytesRead = new Counter({
    name: 'excloud_blob_bytes_read_total',
    help: 'Plaintext bytes streamed to readers',
    registers: [base.registry],
  });
  const backendDuration = new Histogram({
    name: 'excloud_blob_backend_op_duration_seconds',
    help: 'Blob backend call duration by operation, backend and outcome',
    labelNames: ['op', 'backend', 'outcome'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [base.registry],
  });
  return {
    ...base,
    bytesWritten,
    bytesRead,
    backend: {
      observe: (op, backend, seconds, ok) => backendDuration.observe({ op, backend, outcome: ok ? 'ok' : 'error' }, seconds),
    },
  };
}
