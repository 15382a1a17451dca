import { CreateBucketCommand, HeadBucketCommand, HeadObjectCommand, ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { openRawSocket, type RawSocket } from '@excloud/test-kit';
import { startLocalStack, type LocalStack } from './support/local-stack';
import { signHeaders } from './support/raw';

/**
 * Misbehaving clients against a stack of its own, with limits short enough to watch them act:
 * each is cut on time while a well-behaved SDK client is still served. Skipped against an
 * external endpoint (its limits are not ours to set).
 */
const LIMITS = {
  HTTP_HEADERS_TIMEOUT_MS: '1500',
  HTTP_REQUEST_TIMEOUT_MS: '4000',
  HTTP_IDLE_TIMEOUT_MS: '1000',
  HTTP_LINGER_MS: '500',
  HTTP_MAX_CONNECTIONS_PER_CLIENT: '20',
};
const BASE_DOMAIN = 'buckets.limits.test';
/** Attackers connect from another loopback address, so the per-client cap does not hit the SDK client. */
const ATTACKER = { localAddress: '127.0.0.2' };
const describeLocal = process.env.E2E_ENDPOINT ? describe.skip : describe;

describeLocal('HTTP limits of the S3 port', () => {
  let stack: LocalStack;
  let client: S3Client;
  const bucket = 'limits';
  const open: RawSocket[] = [];
  const attacker = async () => {
    const s = await openRawSocket(stack.port, ATTACKER);
    open.push(s);
    return s;
  };
  const served = async () => {
    const out = await client.send(new ListBucketsCommand({}));
    expect(out.Buckets?.map((b) => b.Name)).toContain(bucket);
  };
  const signed = (method: string, path: string, extra: Record<string, string>) =>
    signHeaders({
      method,
      path,
      host: `127.0.0.1:${stack.port}`,
      accessKeyId: stack.credentials.accessKeyId,
      secret: stack.credentials.secretAccessKey,
      payloadHash: 'UNSIGNED-PAYLOAD',
      extraHeaders: extra,
    }).headers;
  const requestHead = (method: string, path: string, headers: Record<string, string>) =>
    `${method} ${path} HTTP/1.1\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`;

  beforeAll(async () => {
    stack = await startLocalStack({ ...LIMITS, GATEWAY_BASE_DOMAIN: BASE_DOMAIN });
    client = new S3Client({
      region: 'auto',
      endpoint: `http://127.0.0.1:${stack.port}`,
      forcePathStyle: true,
      credentials: { accessKeyId: stack.credentials.accessKeyId, secretAccessKey: stack.credentials.secretAccessKey },
      maxAttempts: 1,
    });
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  }, 90_000);
  afterEach(() => {
    open.splice(0).forEach((s) => s.destroy());
  });
  afterAll(async () => {
    client?.destroy();
    await stack?.stop();
  });

  it('the socat attack: a refused body is answered, then the connection is closed', async () => {
    const s = await attacker();
    s.write(`PUT /x/y HTTP/1.1\r\nHost: o.${BASE_DOMAIN}:9000\r\nContent-Length: 100000000\r\n\r\n`);
    s.drip('x', 200);
    await s.waitFor(/<\/Error>/, 3000);
    expect(s.received()).toMatch(/^HTTP\/1\.1 403 /);
    expect(s.received()).toContain('<Code>AccessDenied</Code>');
    expect(s.received()).toMatch(/\r\nconnection: close\r\n/i);
    await served();
    expect(await s.closed(500 + 2000)).toBeLessThan(5000);
  });

  it('60 such sockets do not pile up: each is closed, and the SDK client is served throughout', async () => {
    const sockets = await Promise.all(Array.from({ length: 60 }, () => openRawSocket(stack.port, ATTACKER)));
    open.push(...sockets);
    // The per-client cap (20) closes most at once; the rest get their answer and are closed.
    sockets.forEach((s) => {
      s.write(`PUT /x/y HTTP/1.1\r\nHost: o.${BASE_DOMAIN}\r\nContent-Length: 100000000\r\n\r\n`);
      s.drip('x', 200);
    });
    await served();
    await Promise.all(sockets.map((s) => s.closed(5000)));
    await served();
  });

  it('a signed small body that stops arriving gets 400 RequestTimeout and the socket is closed', async () => {
    const s = await attacker();
    // CreateBucket reads its (small) configuration body itself before any internal call.
    const path = '/never-created';
    s.write(requestHead('PUT', path, signed('PUT', path, { 'content-length': '1000' })));
    s.write('<CreateBucketConfiguration>');
    const ms = await s.closed(4000);
    expect(s.received()).toMatch(/^HTTP\/1\.1 400 /);
    expect(s.received()).toContain('<Code>RequestTimeout</Code>');
    expect(ms).toBeGreaterThanOrEqual(900);
    await served();
    await expect(client.send(new HeadBucketCommand({ Bucket: 'never-created' }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
  });

  it('a PUT whose body stops is cut on time and stores nothing', async () => {
    const s = await attacker();
    const path = `/${bucket}/stalled`;
    s.write(requestHead('PUT', path, signed('PUT', path, { 'content-length': '100000' })));
    s.write('x'.repeat(1000));
    await s.closed(4000);
    await served();
    await expect(client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'stalled' }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
  });

  it('headers sent a byte at a time are cut after the headers timeout', async () => {
    const s = await attacker();
    s.write('GET / HTTP/1.1\r\n');
    s.drip('X', 200);
    await served();
    const ms = await s.closed(5000);
    expect(ms).toBeGreaterThanOrEqual(1400);
  });
});
