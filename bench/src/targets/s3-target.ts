import { HttpClient, HttpError, type HttpResponse } from '../http';
import { BodyVerifier, type Payload } from '../payload';
import { SigV4Signer, UNSIGNED_PAYLOAD, encodeKeyPath, sha256Hex, wireQuery } from '../sigv4';
import { NotImplementedError, type ObjectTarget } from './target';

export interface S3TargetOptions {
  host: string;
  port: number;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  region?: string;
  /** Which S3 server this is, for the report (default `excloud`). */
  name?: 'excloud' | 'local' | 'rgw';
  /** Sign the SHA-256 of PUT bodies (precomputed) instead of UNSIGNED-PAYLOAD. */
  signedPayload?: boolean;
}

/** Path-style S3 over the keep-alive client, signed by the generator's own SigV4. */
export class S3Target implements ObjectTarget {
  readonly name: 'excloud' | 'local' | 'rgw';
  private readonly http: HttpClient;
  private readonly signer: SigV4Signer;

  constructor(
    private readonly opts: S3TargetOptions,
    http?: HttpClient,
  ) {
    this.name = opts.name ?? 'excloud';
    this.http = http ?? new HttpClient(opts.host, opts.port);
    this.signer = new SigV4Signer({ accessKeyId: opts.accessKeyId, secretAccessKey: opts.secretAccessKey, region: opts.region ?? 'auto' });
  }

  /** The same endpoint and key on another bucket, sharing the connection pool. */
  withBucket(bucket: string): S3Target {
    return new S3Target({ ...this.opts, bucket }, this.http);
  }

  async createBucket(): Promise<void> {
    try {
      await this.send('PUT', undefined, [], {});
    } catch (err) {
      if (!(err instanceof HttpError && err.code === 'BucketAlreadyOwnedByYou')) throw err;
    }
  }

  async put(key: string, payload: Payload, signal?: AbortSignal): Promise<void> {
    const res = await this.send('PUT', key, [], {}, payload.data, this.opts.signedPayload ? payload.sha256Hex : UNSIGNED_PAYLOAD, signal);
    // The ETag of a single PUT is the body's MD5: a cheap end-to-end check of what was stored.
    if (res.headers.etag !== `"${payload.md5Hex}"`) throw new Error(`PUT ETag ${res.headers.etag} is not the body's MD5`);
  }

  async get(key: string, expected: Payload, signal?: AbortSignal): Promise<void> {
    const verifier = new BodyVerifier(expected.data);
    await this.send('GET', key, [], {}, undefined, UNSIGNED_PAYLOAD, signal, verifier.sink);
    verifier.check();
  }

  async head(key: string, size: number, signal?: AbortSignal): Promise<void> {
    const res = await this.send('HEAD', key, [], {}, undefined, UNSIGNED_PAYLOAD, signal);
    if (Number(res.headers['content-length']) !== size) throw new Error(`HEAD content-length ${res.headers['content-length']}, expected ${size}`);
  }

  async delete(key: string, signal?: AbortSignal): Promise<void> {
    await this.send('DELETE', key, [], {}, undefined, UNSIGNED_PAYLOAD, signal);
  }

  async listPage(prefix: string, maxKeys: number, token: string | undefined, signal?: AbortSignal): Promise<{ keyCount: number; next?: string }> {
    const query: Array<[string, string]> = [['list-type', '2'], ['max-keys', String(maxKeys)], ['prefix', prefix]];
    if (token !== undefined) query.push(['continuation-token', token]);
    const xml = (await this.send('GET', undefined, query, {}, undefined, UNSIGNED_PAYLOAD, signal)).body.toString('utf8');
    const keyCount = Number(/<KeyCount>(\d+)<\/KeyCount>/.exec(xml)?.[1] ?? NaN);
    const contents = xml.split('<Key>').length - 1;
    if (keyCount !== contents) throw new Error(`ListObjectsV2 KeyCount ${keyCount} but ${contents} keys in the page`);
    const truncated = /<IsTruncated>true<\/IsTruncated>/.test(xml);
    const next = /<NextContinuationToken>([^<]+)<\/NextContinuationToken>/.exec(xml)?.[1];
    if (truncated && !next) throw new Error('ListObjectsV2 truncated without NextContinuationToken');
    return { keyCount, next: truncated ? unescapeXml(next!) : undefined };
  }

  async multipartPut(key: string, parts: Payload[], parallel: number, signal?: AbortSignal): Promise<void> {
    let created: HttpResponse;
    try {
      created = await this.send('POST', key, [['uploads', '']], {}, undefined, UNSIGNED_PAYLOAD, signal);
    } catch (err) {
      if (err instanceof HttpError && (err.status === 501 || err.code === 'NotImplemented')) throw new NotImplementedError('multipart upload: 501 NotImplemented');
      throw err;
    }
    const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(created.body.toString('utf8'))?.[1];
    if (!uploadId) throw new Error('CreateMultipartUpload answered no UploadId');
    const id = unescapeXml(uploadId);
    const etags: string[] = new Array(parts.length);
    let next = 0;
    const uploader = async () => {
      while (next < parts.length) {
        const i = next++;
        const part = parts[i];
        const res = await this.send('PUT', key, [['partNumber', String(i + 1)], ['uploadId', id]], {}, part.data, this.opts.signedPayload ? part.sha256Hex : UNSIGNED_PAYLOAD, signal);
        const etag = String(res.headers.etag ?? '');
        if (etag !== `"${part.md5Hex}"`) throw new Error(`UploadPart ${i + 1} ETag ${etag} is not the part's MD5`);
        etags[i] = etag;
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(parallel, parts.length) }, uploader));
      const xml = Buffer.from(
        `<CompleteMultipartUpload>${etags.map((e, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${e.replace(/"/g, '&quot;')}</ETag></Part>`).join('')}</CompleteMultipartUpload>`,
      );
      const done = await this.send('POST', key, [['uploadId', id]], { 'content-type': 'application/xml' }, xml, sha256Hex(xml), signal);
      const body = done.body.toString('utf8');
      // Complete may answer 200 with an error document (AWS does, for late failures).
      if (/<Error>/.test(body)) throw new Error(`CompleteMultipartUpload failed: ${/<Code>([^<]+)/.exec(body)?.[1] ?? body.slice(0, 100)}`);
      const multipartEtag = new RegExp(`-${parts.length}(&quot;|")?$`);
      const etag = /<ETag>([^<]*)<\/ETag>/.exec(body)?.[1];
      if (etag === '') {
        // Ceph RGW 16.2 answers Complete with an empty ETag: the object's own must then be the N-part one.
        const head = await this.send('HEAD', key, [], {}, undefined, UNSIGNED_PAYLOAD, signal);
        if (!multipartEtag.test(String(head.headers.etag ?? ''))) throw new Error(`the completed object's ETag ${head.headers.etag} is not a ${parts.length}-part ETag`);
      } else if (etag === undefined || !multipartEtag.test(etag)) throw new Error(`CompleteMultipartUpload ETag is not a ${parts.length}-part ETag`);
    } catch (err) {
      await this.send('DELETE', key, [['uploadId', id]], {}, undefined, UNSIGNED_PAYLOAD).catch(() => undefined);
      throw err;
    }
  }

  close(): void {
    this.http.close();
  }

  private async send(
    method: string,
    key: string | undefined,
    query: Array<[string, string]>,
    extraHeaders: Record<string, string>,
    body?: Buffer,
    payloadHash = UNSIGNED_PAYLOAD,
    signal?: AbortSignal,
    sink?: (chunk: Buffer) => void,
  ): Promise<HttpResponse> {
    const path = encodeKeyPath(this.opts.bucket, key);
    const toSign: Record<string, string> = { host: this.http.hostHeader, ...extraHeaders };
    if (body) toSign['content-length'] = String(body.length);
    const headers = this.signer.sign({ method, path, query, headers: toSign, payloadHash });
    return this.http.request({ method, path: path + wireQuery(query), headers, body, signal, sink });
  }
}

function unescapeXml(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}
