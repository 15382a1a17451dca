import { ConfigError, type EnvReader } from './config';

/**
 * What one HTTP server tolerates from its clients. Every server (the public S3 port and every
 * internal service) runs with these, so a client that stops sending or reading, or opens
 * connections without end, costs a bounded number of descriptors for a bounded time.
 */
export interface HttpLimits {
  /** Time to receive a request's complete headers (slowloris on the header block). */
  headersTimeoutMs: number;
  /** Time to receive a whole request, body included. */
  requestTimeoutMs: number;
  /**
   * No byte read or written for this long while a body is being received or a response sent:
   * the client is cut (S3 answers 400 RequestTimeout). Time spent by the server itself before it
   * answers never counts (its upstream calls have their own timeouts).
   */
  idleTimeoutMs: number;
  /** An idle keep-alive connection is closed after this long. */
  keepAliveTimeoutMs: number;
  /** The response to this many requests on one connection says `Connection: close`. */
  maxRequestsPerConnection: number;
  /** Connections one process holds at once; more are closed on accept. */
  maxConnections: number;
  /** Connections one client address holds at once; more are closed on accept. */
  maxConnectionsPerClient: number;
  /**
   * After answering a request whose body we did not read (a refusal), keep discarding what the
   * client still sends for this long, then close: closing at once would make the kernel send a
   * reset that can destroy our answer before the client reads it.
   */
  lingerMs: number;
}

/**
 * `edge` is the server clients reach directly (the gateway's S3 port). Internal servers wait
 * longer for an idle body, so when a client stalls mid-upload the gateway, not the blob service
 * behind it, cuts first and the client gets RequestTimeout rather than an internal failure.
 */
export function readHttpLimits(env: EnvReader, edge = false): HttpLimits {
  const limits: HttpLimits = {
    // A client sends a few KiB of headers in well under a second even on a poor link; Node's own
    // default (60 s) lets a slowloris hold a descriptor three times longer.
    headersTimeoutMs: env.int('HTTP_HEADERS_TIMEOUT_MS', 20_000, { min: 1 }),
    // A 5 GiB single PUT (the S3 maximum) needs at least 1.5 MB/s to finish in an hour; stalled
    // clients are cut much sooner by the idle timeout.
    requestTimeoutMs: env.int('HTTP_REQUEST_TIMEOUT_MS', 3_600_000, { min: 1 }),
    // S3 cuts a socket not read from or written to for about 20 s (400 RequestTimeout).
    idleTimeoutMs: env.int('HTTP_IDLE_TIMEOUT_MS', edge ? 20_000 : 60_000, { min: 1 }),
    // Longer than the 60 s idle timeout of common load balancers, so the proxy, not us, closes an
    // idle connection first and never sends a request on a connection we are closing.
    keepAliveTimeoutMs: env.int('HTTP_KEEP_ALIVE_TIMEOUT_MS', 65_000, { min: 1 }),
    // Long-lived connections are rebalanced across replicas after a scale-out.
    maxRequestsPerConnection: env.int('HTTP_MAX_REQUESTS_PER_CONNECTION', 1000, { min: 1 }),
    // Below the usual 65,536 descriptor limit with room for upstream sockets and files.
    maxConnections: env.int('HTTP_MAX_CONNECTIONS', 10_000, { min: 1 }),
    // One address may take a tenth of the process. Behind a proxy every client shares the proxy's
    // address: raise it to HTTP_MAX_CONNECTIONS there. Internal callers use at most 256 sockets
    // per peer process (the internal client's pool).
    maxConnectionsPerClient: env.int('HTTP_MAX_CONNECTIONS_PER_CLIENT', 1000, { min: 1 }),
    // Two seconds is enough for an answer to cross any link we serve.
    lingerMs: env.int('HTTP_LINGER_MS', 2000, { min: 0 }),
  };
  // Node refuses a headers timeout longer than the request timeout.
  if (limits.headersTimeoutMs > limits.requestTimeoutMs) {
    throw new ConfigError('HTTP_HEADERS_TIMEOUT_MS', `must be <= HTTP_REQUEST_TIMEOUT_MS (${limits.requestTimeoutMs}), got ${limits.headersTimeoutMs}`);
  }
  if (limits.maxConnectionsPerClient > limits.maxConnections) {
    throw new ConfigError('HTTP_MAX_CONNECTIONS_PER_CLIENT', `must be <= HTTP_MAX_CONNECTIONS (${limits.maxConnections}), got ${limits.maxConnectionsPerClient}`);
  }
  return Object.freeze(limits);
}
