import type { IncomingMessage, ServerResponse } from 'node:http';
import { Counter, Histogram } from 'prom-client';
import { createServiceMetrics, type ServiceMetrics } from '@excloud/service-kit';

/** The gateway's metrics: the shared request metrics plus bytes on the wire per S3 operation. */
export interface GatewayMetrics extends ServiceMetrics {
  bytesIn: Counter<'operation'>;
  bytesOut: Counter<'operation'>;
  requestBodyBytes: Histogram<'operation'>;
  readAhead: Counter<'outcome'>;
  blobCache: Counter<'outcome'>;
}

/** Operations whose request body is object data: their sizes are worth a histogram. */
const UPLOADS = new Set(['PutObject', 'UploadPart']);

export function createGatewayMetrics(): GatewayMetrics {
  const base = createServiceMetrics('gateway');
  const registers = [base.registry];
  return {
    ...base,
    bytesIn: new Counter({ name: 'excloud_gateway_received_bytes_total', help: 'Request body bytes received from clients (Content-Length), by operation', labelNames: ['operation'], registers }),
    bytesOut: new Counter({ name: 'excloud_gateway_sent_bytes_total', help: 'Bytes sent to clients (response headers and bodies), by operation', labelNames: ['operation'], registers }),
    requestBodyBytes: new Histogram({
      name: 'excloud_gateway_upload_size_bytes',
      help: 'Object bytes per PutObject / UploadPart request (decoded length for aws-chunked bodies)',
      labelNames: ['operation'],
      buckets: [1024, 16_384, 262_144, 1_048_576, 8_388_608, 67_108_864, 536_870_912, 5_368_709_120],
      registers,
    }),
    readAhead: new Counter({
      name: 'excloud_gateway_read_ahead_total',
      help: 'Blob reads started before metadata answered, by outcome: used, stale (metadata named another blob) or failed',
      labelNames: ['outcome'],
      registers,
    }),
    blobCache: new Counter({
      name: 'excloud_gateway_blob_cache_total',
      help: 'GETs of small single-blob objects, by outcome: hit (served from the gateway blob cache) or miss (read from the blob service)',
      labelNames: ['outcome'],
      registers,
    }),
  };
}

/**
 * Counts one request's bytes without code per chunk. In: the request's Content-Length (the body
 * on the wire; a socket's read counter cannot tell, since a small request arrives whole before
 * the handler runs). Out: the socket's write counter across the response (one response at a time
 * per HTTP/1.1 connection). Upload sizes use the decoded length of aws-chunked bodies.
 */
export function wireCounter(req: IncomingMessage, res: ServerResponse): (metrics: GatewayMetrics, operation: string) => void {
  const socket = res.socket;
  const written0 = socket?.bytesWritten ?? 0;
  return (metrics, operation) => {
    const received = Number(req.headers['content-length'] ?? 0) || 0;
    metrics.bytesIn.inc({ operation }, received);
    if (socket) metrics.bytesOut.inc({ operation }, socket.bytesWritten - written0);
    if (UPLOADS.has(operation)) metrics.requestBodyBytes.observe({ operation }, Number(req.headers['x-amz-decoded-content-length'] ?? received) || 0);
  };
}
