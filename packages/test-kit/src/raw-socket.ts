import net from 'node:net';

/**
 * A raw TCP client for tests that must misbehave as no HTTP client library would: send headers
 * a byte at a time, stop mid-body, never read. It records what arrives and when the server closed.
 */
export interface RawSocket {
  socket: net.Socket;
  write(data: string | Buffer): void;
  /** Everything received so far, as latin1 text. */
  received(): string;
  /** Resolves with the milliseconds from connect to close; rejects after `withinMs`. */
  closed(withinMs: number): Promise<number>;
  /** Resolves once the received text matches; rejects after `withinMs`. */
  waitFor(pattern: RegExp, withinMs: number): Promise<string>;
  /** Writes `byte` every `everyMs` until the socket closes or `stop()` is called. */
  drip(byte: string, everyMs: number): { stop(): void };
  destroy(): void;
}

/** `localAddress` (another 127.x address) makes the socket a different client for per-address limits. */
export function openRawSocket(port: number, opts: { host?: string; localAddress?: string } = {}): Promise<RawSocket> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = net.connect({ port, host: opts.host ?? '127.0.0.1', localAddress: opts.localAddress });
    const chunks: Buffer[] = [];
    let closedAt: number | undefined;
    const waiters = new Set<() => void>();
    const notify = () => waiters.forEach((w) => w());
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      notify();
    });
    socket.on('error', () => undefined); // a reset is one way of being closed
    socket.on('close', () => {
      closedAt = Date.now();
      notify();
    });
    const received = () => Buffer.concat(chunks).toString('latin1');
    const until = <T>(check: () => T | undefined, withinMs: number, what: string) =>
      new Promise<T>((ok, fail) => {
        const attempt = () => {
          const value = check();
          if (value === undefined) return false;
          clearTimeout(timer);
          waiters.delete(listener);
          ok(value);
          return true;
        };
        const listener = () => void attempt();
        const timer = setTimeout(() => {
          waiters.delete(listener);
          fail(new Error(`${what} within ${withinMs} ms; received so far: ${JSON.stringify(received().slice(0, 500))}`));
        }, withinMs);
        waiters.add(listener);
        attempt();
      });
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve({
        socket,
        write: (data) => {
          if (!socket.destroyed) socket.write(data);
        },
        received,
        closed: (withinMs) => until(() => (closedAt === undefined ? undefined : closedAt - started), withinMs, 'server did not close the connection'),
        waitFor: (pattern, withinMs) => until(() => (pattern.test(received()) ? received() : undefined), withinMs, `no ${pattern}`),
        drip(byte, everyMs) {
          const timer = setInterval(() => {
            if (socket.destroyed || closedAt !== undefined) clearInterval(timer);
            else socket.write(byte);
          }, everyMs);
          socket.once('close', () => clearInterval(timer));
          return { stop: () => clearInterval(timer) };
        },
        destroy: () => socket.destroy(),
      });
    });
    socket.once('error', reject);
  });
}
