import { CliError, EXIT } from './errors';

/** The control API, as exc sees it: JSON in and out, errors turned into one-line CliErrors. */
export class ControlApi {
  constructor(
    readonly endpoint: string,
    private readonly token: string,
  ) {}

  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const url = this.endpoint.replace(/\/+$/, '') + path;
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: { authorization: `Bearer ${this.token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        body: body !== undefined ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(30_000),
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new CliError(`cannot reach ${this.endpoint}: ${cause?.code ?? cause?.message ?? (err as Error).message}`, EXIT.unreachable, 'unreachable');
    }
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      throw new CliError(`${this.endpoint} is not an excloud control API (HTTP ${res.status}, not JSON)`, EXIT.unreachable, 'unreachable');
    }
    if (res.ok) return parsed as T;
    const e = (parsed as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
    const code = typeof e?.code === 'string' ? e.code : `http_${res.status}`;
    const message = typeof e?.message === 'string' ? e.message : `HTTP ${res.status}`;
    const exit = res.status === 401 || code === 'org_suspended' ? EXIT.auth : res.status === 400 ? EXIT.usage : EXIT.refused;
    const hint = res.status === 401 ? ' (run exc login with a valid org API token)' : '';
    throw new CliError(`${message}${hint}`, exit, code);
  }
}

/** An endpoint must be an absolute http(s) URL without credentials, query or fragment. */
export function parseEndpoint(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CliError(`malformed endpoint ${JSON.stringify(value)}: expected a URL like https://control.example.com`, EXIT.usage, 'usage');
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password || url.search || url.hash) {
    throw new CliError(`malformed endpoint ${JSON.stringify(value)}: expected an http(s) URL without credentials, query or fragment`, EXIT.usage, 'usage');
  }
  return url.toString().replace(/\/+$/, '');
}
