import type { Socket } from 'node:net';
import { Counter, type Registry } from 'prom-client';
import { METADATA_USAGE_ROUTES, type UsageReport } from '@excloud/contracts';
import { InternalClient } from '@excloud/internal-client';
import type { Logger } from '@excloud/service-kit';
import type { OperationName } from './router';

/**
 * Billing classes, as R2 and S3 price requests: Class A writes and lists, Class B reads; deletes
 * and aborts are free. Typed over every operation, so a new one does not compile until classed.
 */
export const REQUEST_CLASS: Record<OperationName, 'A' | 'B' | 'free'> = {
  ListBuckets: 'A',
  CreateBucket: 'A',
  PutBucketVersioning: 'A',
  PutBucketAcl: 'A',
  ListObjects: 'A',
  ListObjectsV2: 'A',
  ListObjectVersions: 'A',
  ListMultipartUploads: 'A',
  PutObject: 'A',
  CopyObject: 'A',
  PutObjectAcl: 'A',
  CreateMultipartUpload: 'A',
  UploadPart: 'A',
  UploadPartCopy: 'A',
  CompleteMultipartUpload: 'A',
  ListParts: 'A',
  PutObjectTagging: 'A',
  PutBucketCors: 'A',
  PostObject: 'A',
  HeadBucket: 'B',
  GetBucketLocation: 'B',
  GetBucketVersioning: 'B',
  GetBucketAcl: 'B',
  GetObject: 'B',
  HeadObject: 'B',
  GetObjectAcl: 'B',
  GetObjectTagging: 'B',
  GetBucketCors: 'B',
  DeleteBucket: 'free',
  DeleteObject: 'free',
  DeleteObjects: 'free',
  AbortMultipartUpload: 'free',
  DeleteObjectTagging: 'free',
  DeleteBucketCors: 'free',
  // A browser's preflight is not the customer's request; it carries no credentials.
  CorsPreflight: 'free',
};

interface HourCounters {
  classA: number;
  classB: number;
  ingressBytes: number;
  egressBytes: number;
}

interface OrgPending {
  /** The freshest internal token seen for the org: the flush is made in the org's name. */
  token: string;
  hours: Map<number, HourCounters>;
}

const HOUR_MS = 3_600_000;
/** Metadata refuses hours older than a day; counters that could not be sent by then are dropped. */
const KEEP_MS = 23 * HOUR_MS;

/**
 * Per-org usage counters, kept in memory and flushed every few seconds: one request per active
 * org per flush (`POST /v1/usage` on metadata, in the org's name), never one per S3 request. A
 * failed flush puts its counters back for the next one. Prometheus gets totals only, never an
 * org label.
 */
export class UsageMeter {
  private pending = new Map<string, OrgPending>();
  private readonly client: InternalClient;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private readonly requests: Counter<'class'>;
  private readonly transfer: Counter<'direction'>;
  private readonly flushFailures: Counter;

  constructor(
    metadataUrl: string,
    private readonly intervalMs: number,
    private readonly logger: Logger,
    registry: Registry,
  ) {
    this.client = new InternalClient(metadataUrl, 10_000);
    this.requests = new Counter({ name: 'excloud_gateway_metered_requests_total', help: 'Requests metered for billing, by class', labelNames: ['class'], registers: [registry] });
    this.transfer = new Counter({ name: 'excloud_gateway_metered_bytes_total', help: 'Bytes metered for billing, by direction', labelNames: ['direction'], registers: [registry] });
    this.flushFailures = new Counter({ name: 'excloud_gateway_usage_flush_failures_total', help: 'Usage reports to metadata that failed (retried next flush)', registers: [registry] });
  }

  start(): void {
    this.timer = setInterval(() => void this.flush(), this.intervalMs);
    this.timer.unref();
  }

  /** Counts one finished request; the bytes are what crossed the client connection for it. */
  record(orgId: string, token: string, op: OperationName, bytes: { ingress: number; egress: number }, now = Date.now()): void {
    const cls = REQUEST_CLASS[op];
    let org = this.pending.get(orgId);
    if (!org) this.pending.set(orgId, (org = { token, hours: new Map() }));
    org.token = token;
    const hour = now - (now % HOUR_MS);
    let c = org.hours.get(hour);
    if (!c) org.hours.set(hour, (c = { classA: 0, classB: 0, ingressBytes: 0, egressBytes: 0 }));
    if (cls === 'A') c.classA += 1;
    if (cls === 'B') c.classB += 1;
    c.ingressBytes += bytes.ingress;
    c.egressBytes += bytes.egress;
    if (cls !== 'free') this.requests.inc({ class: cls });
    this.transfer.inc({ direction: 'ingress' }, bytes.ingress);
    this.transfer.inc({ direction: 'egress' }, bytes.egress);
  }

  /** Sends everything counted so far; concurrent calls share one flush. */
  flush(): Promise<void> {
    return (this.flushing ??= this.send().finally(() => (this.flushing = undefined)));
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  private async send(): Promise<void> {
    const batch = this.pending;
    this.pending = new Map();
    const entries = [...batch];
    // A few at a time: a burst of active orgs must not open hundreds of sockets at once.
    for (let i = 0; i < entries.length; i += 16) {
      await Promise.all(entries.slice(i, i + 16).map(([orgId, org]) => this.sendOrg(orgId, org)));
    }
  }

  private async sendOrg(orgId: string, org: OrgPending): Promise<void> {
    const report: UsageReport = { $version: 1, hours: [...org.hours].map(([hour, c]) => ({ hour: new Date(hour).toISOString(), ...c })) };
    try {
      await this.client.json({ method: 'POST', path: METADATA_USAGE_ROUTES.report, token: org.token, json: report });
    } catch (err) {
      this.flushFailures.inc();
      this.logger.warn('usage flush failed; retrying on the next flush', { orgId, err: (err as Error).message });
      this.restore(orgId, org);
    }
  }

  private restore(orgId: string, org: OrgPending): void {
    const oldest = Date.now() - KEEP_MS;
    const current = this.pending.get(orgId);
    if (!current) {
      for (const hour of org.hours.keys()) if (hour < oldest) org.hours.delete(hour);
      this.pending.set(orgId, org);
      return;
    }
    // Newer traffic arrived meanwhile: its token is fresher; add the old counts to it.
    for (const [hour, c] of org.hours) {
      if (hour < oldest) continue;
      const into = current.hours.get(hour);
      if (!into) current.hours.set(hour, c);
      else {
        into.classA += c.classA;
        into.classB += c.classB;
        into.ingressBytes += c.ingressBytes;
        into.egressBytes += c.egressBytes;
      }
    }
  }
}

/**
 * Bytes read from and written to a client connection since the last request on it finished. The
 * socket counts them anyway, so metering costs nothing per chunk; headers count as transfer.
 */
const ACCOUNTED = Symbol('excloud.meteredBytes');
type MeteredSocket = Socket & { [ACCOUNTED]?: { read: number; written: number } };

export function takeConnectionBytes(socket: Socket | null | undefined): { ingress: number; egress: number } {
  if (!socket) return { ingress: 0, egress: 0 };
  const s = socket as MeteredSocket;
  const last = s[ACCOUNTED] ?? { read: 0, written: 0 };
  const now = { read: s.bytesRead, written: s.bytesWritten };
  s[ACCOUNTED] = now;
  return { ingress: Math.max(0, now.read - last.read), egress: Math.max(0, now.written - last.written) };
}
