import { HttpClient } from '../http';
import { BodyVerifier, type Payload } from '../payload';
import type { ObjectTarget } from './target';

/**
 * The ceiling: nginx serving files with WebDAV PUT/DELETE and static GET/HEAD. Same keys, same
 * bodies, same verification as the S3 target, minus signing (nginx checks nothing).
 */
export class NginxTarget implements ObjectTarget {
  readonly name = 'nginx' as const;
  private readonly http: HttpClient;

  constructor(host: string, port: number, private readonly prefix = '/objects') {
    this.http = new HttpClient(host, port);
  }

  async put(key: string, payload: Payload, signal?: AbortSignal): Promise<void> {
    await this.http.request({ method: 'PUT', path: this.path(key), headers: { host: this.http.hostHeader }, body: payload.data, signal });
  }

  async get(key: string, expected: Payload, signal?: AbortSignal): Promise<void> {
    const verifier = new BodyVerifier(expected.data);
    await this.http.request({ method: 'GET', path: this.path(key), headers: { host: this.http.hostHeader }, signal, sink: verifier.sink });
    verifier.check();
  }

  async head(key: string, size: number, signal?: AbortSignal): Promise<void> {
    const res = await this.http.request({ method: 'HEAD', path: this.path(key), headers: { host: this.http.hostHeader }, signal });
    if (Number(res.headers['content-length']) !== size) throw new Error(`HEAD content-length ${res.headers['content-length']}, expected ${size}`);
  }

  async delete(key: string, signal?: AbortSignal): Promise<void> {
    await this.http.request({ method: 'DELETE', path: this.path(key), headers: { host: this.http.hostHeader }, signal });
  }

  close(): void {
    this.http.close();
  }

  private path(key: string): string {
    return `${this.prefix}/${key.split('/').map(encodeURIComponent).join('/')}`;
  }
}
