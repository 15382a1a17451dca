import type { Logger } from '@excloud/service-kit';

export type Revocation = { accessKeyId: string } | { orgId: string };

export interface RevocationTarget {
  revoke(r: Revocation): void;
  /** The feed (re)connected: whatever was revoked while it was down must go too. */
  clear(): void;
}

/** auth sends a comment every 15 s; twice that in silence means the stream is dead. */
const SILENCE_MS = 35_000;
const RETRY_MS = 1_000;

/**
 * Subscribes to auth's revocation stream (`GET /v1/revocations`, server-sent events) and applies
 * each event to the gateway's caches within milliseconds of the change committing.
 *
 * Why a stream from auth rather than LISTEN in the gateway: the public-facing process keeps no
 * database credential and opens no connection to Postgres, and the number of LISTEN connections
 * is the number of auth replicas, not of gateways. While the stream is down the cache TTL
 * (GATEWAY_AUTH_CACHE_TTL_MS) still bounds how long a revoked key keeps working; on reconnect the
 * whole cache is cleared, since events may have been missed in between.
 */
export class RevocationFeed {
  private controller: AbortController | undefined;
  private closed = false;
  private live = false;

  constructor(
    private readonly url: string,
    /** The gateway's service credential: auth streams revocations to the gateway only. */
    private readonly serviceSecret: string,
    private readonly targets: RevocationTarget[],
    private readonly logger: Logger,
  ) {}

  /** Whether revocations are being pushed right now (otherwise the TTL is the bound). */
  get connected(): boolean {
    return this.live;
  }

  start(): void {
    void this.run();
  }

  close(): void {
    this.closed = true;
    this.controller?.abort();
  }

  private async run(): Promise<void> {
    while (!this.closed) {
      try {
        await this.consume();
      } catch (err) {
        if (!this.closed) this.logger.warn('revocation feed disconnected; cache TTL applies until it is back', { err: (err as Error).message });
      }
      this.live = false;
      if (!this.closed) await new Promise((r) => setTimeout(r, RETRY_MS).unref());
    }
  }

  private async consume(): Promise<void> {
    const controller = new AbortController();
    this.controller = controller;
    let watchdog = setTimeout(() => controller.abort(), SILENCE_MS);
    try {
      const res = await fetch(this.url, { signal: controller.signal, headers: { accept: 'text/event-stream', authorization: `Bearer ${this.serviceSecret}` } });
      if (!res.ok || !res.body) throw new Error(`revocation feed answered ${res.status}`);
      const decoder = new TextDecoder();
      let buffered = '';
      for await (const chunk of res.body) {
        clearTimeout(watchdog);
        watchdog = setTimeout(() => controller.abort(), SILENCE_MS);
        buffered += decoder.decode(chunk as Uint8Array, { stream: true });
        let end: number;
        while ((end = buffered.indexOf('\n\n')) !== -1) {
          this.dispatch(buffered.slice(0, end));
          buffered = buffered.slice(end + 2);
        }
      }
      throw new Error('revocation feed ended');
    } finally {
      clearTimeout(watchdog);
    }
  }

  /** One server-sent event: `event: ready` once per connection, then `data: {json}` per revocation. */
  private dispatch(block: string): void {
    const lines = block.split('\n');
    if (lines.includes('event: ready')) {
      for (const t of this.targets) t.clear();
      this.live = true;
      return;
    }
    const data = lines.find((l) => l.startsWith('data: '));
    if (!data) return; // a heartbeat comment
    const event = parseRevocation(data.slice(6));
    if (event) for (const t of this.targets) t.revoke(event);
  }
}

export function parseRevocation(json: string): Revocation | undefined {
  try {
    const v = JSON.parse(json) as Record<string, unknown>;
    if (typeof v.accessKeyId === 'string') return { accessKeyId: v.accessKeyId };
    if (typeof v.orgId === 'string') return { orgId: v.orgId };
  } catch {
    // Ignored: a malformed event must not stop the feed.
  }
  return undefined;
}
