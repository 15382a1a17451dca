/**
 * `excloud smoke` (the Helm chart's `helm test` pod): an S3 round trip through a deployed gateway.
 * Creates the org SMOKE_ORG if missing and a temporary access key through the auth admin API,
 * then CreateBucket, PutObject, GetObject (bytes compared), ListObjectsV2, DeleteObject and
 * DeleteBucket, and deletes the key whatever happened. Exit 0 only if every step succeeded.
 *
 * The gateway derives the org from the Host (`<org>.<GATEWAY_BASE_DOMAIN>`), so requests are signed
 * for that name while the connection goes to SMOKE_ENDPOINT (the gateway Service).
 * env: SMOKE_ENDPOINT, SMOKE_ORG, SMOKE_BASE_DOMAIN, AUTH_URL, AUTH_ADMIN_TOKEN.
 */
import { lookup } from 'node:dns';
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a smoke script reads whatever JSON the admin API answers
async function admin(method: string, route: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${env('AUTH_URL')}/v1/admin${route}`, {
    method,
    headers: { authorization: `Bearer ${env('AUTH_ADMIN_TOKEN')}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

async function main(): Promise<void> {
  const endpoint = new URL(env('SMOKE_ENDPOINT'));
  const org = env('SMOKE_ORG');
  const host = `${org}.${env('SMOKE_BASE_DOMAIN')}`;
  const existing = await admin('GET', `/orgs/${org}`);
  if (existing.status !== 200) {
    const created = await admin('POST', '/orgs', { id: org, name: 'helm test' });
    if (created.status !== 201) throw new Error(`create-org ${org}: ${created.status} ${JSON.stringify(created.json)}`);
  }
  const key = await admin('POST', `/orgs/${org}/keys`);
  if (key.status !== 201) throw new Error(`create-key: ${key.status} ${JSON.stringify(key.json)}`);
  const step = (name: string) => process.stdout.write(`ok ${name}\n`);
  // Resolve the org's host name to the gateway Service, whatever DNS says about it.
  const agent = new http.Agent({ keepAlive: true, lookup: (_h, opts, cb) => lookup(endpoint.hostname, opts, cb) });
  const s3 = new S3Client({
    endpoint: `http://${host}:${endpoint.port || 80}`,
    region: 'auto',
    forcePathStyle: true,
    credentials: { accessKeyId: key.json.accessKeyId, secretAccessKey: key.json.secretAccessKey },
    requestHandler: new NodeHttpHandler({ httpAgent: agent }),
  });
  const bucket = `smoke-${randomBytes(4).toString('hex')}`;
  const body = randomBytes(256 * 1024);
  try {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    step(`CreateBucket ${bucket}`);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'roundtrip.bin', Body: body }));
    step('PutObject');
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'roundtrip.bin' }));
    const bytes = Buffer.from(await got.Body!.transformToByteArray());
    if (!bytes.equals(body)) throw new Error(`GetObject returned ${bytes.length} bytes that differ from the ${body.length} written`);
    step('GetObject (bytes match)');
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
    if (listed.KeyCount !== 1) throw new Error(`ListObjectsV2 saw ${listed.KeyCount} keys, expected 1`);
    step('ListObjectsV2');
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'roundtrip.bin' }));
    await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
    step('DeleteObject, DeleteBucket');
  } finally {
    s3.destroy();
    agent.destroy();
    await admin('DELETE', `/keys/${key.json.accessKeyId}`);
  }
  process.stdout.write('S3 round trip passed\n');
}

main().catch((err) => {
  process.stderr.write(`S3 round trip FAILED: ${err?.message ?? err}\n`);
  process.exit(1);
});
