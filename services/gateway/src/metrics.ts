import type { ServerResponse } from 'node:http';
import { Counter, Histogram } from 'prom-client';
import { createServiceMetrics, type ServiceMetrics } from '@excloud/service-kit';

/** The gateway's metrics: the shared request metrics plus bytes on the wire per S3 operation. */
export interface GatewayMetrics extends ServiceMetrics {
  bytesIn: Counter<'operation'>;
  bytesOut: Counter<'operation'>;
  requestBodyBytes: Histogram<'operation'>;
}

/** Operations whose request body is object data: their sizes are worth a histogram. */
const UPLOADS = new Set(['PutObject', 'UploadPart']);

export function createGatewayMetrics(): GatewayMetrics {
  const base = createServiceMetrics('gateway');
  const registers = [base.registry];
  return {
    ...base,
    bytesIn: new Counter({ name: 'excloud_gateway_received_bytes_total', help: 'Bytes received from clients (request bodies and headers), by operation', labelNames: ['operation'], registers }),
    bytesOut: new Counter({ name: 'excloud_gateway_sent_bytes_total', help: 'Bytes sent to clients (response headers and bodies), by operation', labelNames: ['operation'], registers }),
    requestBodyBytes: new Histogram({
      name: 'excloud_gateway_upload_size_bytes',
      help: 'Bytes received per PutObject / UploadPart request',
      labelNames: ['operation'],
      buckets: [1024, 16_384, 262_144, 1_048_576, 8_388_608, 67_108_864, 536_870_912, 5_368_709_120],
      registers,
    }),
  };
}

/**
 * Counts one request's bytes from its socket's counters (one request at a time per HTTP/1.1
 * connection, so the difference between start and end is this request's): no code per chunk.
 */
export function wireCounter(res: ServerResponse): (metrics: GatewayMetrics, operation: string) => void {
  const socket = res.socket;
  const read0 = socket?.bytesRead ?? 0;
  const written0 = socket?.bytesWritten ?? 0;
  return (metrics, operation) => {
    if (!socket) return;
    const received = socket.bytesRead - read0;
    metrics.bytesIn.inc({ operation }, received);
    metrics.bytesOut.inc({ operation }, socket.bytesWritten - written0);
    if (UPLOADS.has(operation)) metrics.requestBodyBytes.observe({ operation }, received);
  };
}
