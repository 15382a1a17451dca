import http from 'node:http';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { stack } from './stack';

/** Every name resolves to 127.0.0.1: virtual-hosted buckets under the test base domain. */
const loopbackAgent = new http.Agent({
  keepAlive: true,
  lookup: ((_host: string, opts: { all?: boolean }, cb: (...args: unknown[]) => void) => {
    if (opts?.all) cb(null, [{ address: '127.0.0.1', family: 4 }]);
    else cb(null, '127.0.0.1', 4);
  }) as unknown as http.AgentOptions['lookup'],
});

export type Style = 'path' | 'virtual';

/** The real AWS SDK v3 client, default checksum behaviour left on. */
export function s3(opts: { style?: Style; who?: 'main' | 'other'; secret?: string; accessKeyId?: string; extra?: Partial<S3ClientConfig> } = {}): S3Client {
  const s = stack();
  const creds = opts.who === 'other' ? s.other : s;
  const style = opts.style ?? 'path';
  const endpoint = style === 'virtual' ? `http://${creds.orgId}.${s.baseDomain}:${s.port}` : s.endpoint;
  return new S3Client({
    region: 'auto',
    endpoint,
    forcePathStyle: style === 'path',
    credentials: { accessKeyId: opts.accessKeyId ?? creds.accessKeyId, secretAccessKey: opts.secret ?? creds.secretAccessKey },
    requestHandler: new NodeHttpHandler({ httpAgent: loopbackAgent }),
    maxAttempts: 1,
    ...opts.extra,
  });
}

let counter = 0;
/** A bucket name unique to this run and test. */
export function uniqueBucket(label: string): string {
  counter += 1;
  return `${label}-${process.pid}-${Date.now().toString(36)}-${counter}`.toLowerCase().slice(0, 63);
}
