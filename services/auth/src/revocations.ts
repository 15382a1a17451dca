import type { Request, Response } from 'express';
import { Client } from 'pg';
import type { Logger } from '@excloud/service-kit';

/** The channel migration 002's trigger notifies on. */
export const REVOCATION_CHANNEL = 'excloud_revocations';

/** What a gateway must drop from its verification cache. */
export type Revocation = { accessKeyId: string } | { orgId: string };

/** Comments on an idle stream, so a gateway can tell a silent feed from a dead one. */
export const HEARTBEAT_MS = 15_000;

/**
 * Relays revocations from Postgres to the gateways as a server-sent event stream
 * (`GET /v1/revocations`). One LISTEN connection per auth replica, whatever the number of
 * gateways; gateways need no database access. A stream opens with `event: ready` only while the
 * LISTEN is live, and every stream is closed when it drops, so a gateway always knows when it may
 * have missed something (it then clears its cache on the next `ready`).
 */
export class RevocationHub {
  private client: Client | undefined;
  private listening = false;
  private closed = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly streams = new Set<Response>();

  constructor(
    private readonly databaseUrl: string,
    private readonly logger: Logger,
  ) {
    this.heartbeat = setInterval(() => {
      for (const res of this.streams) res.write(': ping\n\n');
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  /** Connects and LISTENs; resolves either way (a failure is retried and streams answer 503 meanwhile). */
  async start(): Promise<void> {
    if (this.closed) return;
    const client = new Client({ connectionString: this.databaseUrl, application_name: 'excloud-auth-revocations' });
    this.client = client;
    client.on('notification', (msg) => {
      if (msg.channel === REVOCATION_CHANNEL && msg.payload) this.broadcast(msg.payload);
    });
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${REVOCATION_CHANNEL}`);
      this.listening = true;
    } catch (err) {
      this.lost(client, err as Error);
    }
  }

  readonly handler = (_req: Request, res: Response): void => {
    res.locals.operation = 'revocations';
    if (!this.listening) {
      res.status(503).json({ error: { code: 'ServiceUnavailable', message: 'revocation feed not connected to the database', status: 503, fields: {} } });
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    res.write('event: ready\ndata: {}\n\n');
    this.streams.add(res);
    res.on('close', () => this.streams.delete(res));
  };

  /** Ends every stream and the LISTEN connection (before the HTTP server drains, or it would wait for them). */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.heartbeat);
    clearTimeout(this.retryTimer);
    this.endStreams();
    await this.client?.end().catch(() => undefined);
  }

  private broadcast(payload: string): void {
    for (const res of this.streams) res.write(`data: ${payload}\n\n`);
  }

  private endStreams(): void {
    // The connection goes too: a stream has no end a client could wait for to reuse it.
    for (const res of this.streams) res.end(() => res.socket?.destroy());
    this.streams.clear();
  }

  private lost(client: Client, err?: Error): void {
    if (client !== this.client) return;
    this.client = undefined;
    this.listening = false;
    this.endStreams();
    client.end().catch(() => undefined);
    if (this.closed) return;
    this.logger.warn('revocation feed lost its database connection; retrying', { err: err?.message });
    this.retryTimer = setTimeout(() => void this.start(), 1000);
    this.retryTimer.unref();
  }
}
