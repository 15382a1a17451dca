import { existsSync, readdirSync, statSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { readPackedIdsSync } from '@excloud/blob-backend';
import { Topology } from './support/topology';

/** A TCP relay to the real Redis that can be switched off and on: Redis "down" without touching it. */
class SwitchableRedis {
  private server?: net.Server;
  private readonly sockets = new Set<net.Socket>();
  constructor(readonly port: number) {}

  static async reserve(): Promise<SwitchableRedis> {
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise((r) => probe.close(r));
    return new SwitchableRedis(port);
  }

  async up(): Promise<void> {
    this.server = net.createServer((client) => {
      const upstream = net.connect(6379, '127.0.0.1');
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((r) => this.server!.listen(this.port, '127.0.0.1', r));
  }

  async down(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    if (this.server) await new Promise((r) => this.server!.close(r));
    this.server = undefined;
  }
}

/** Blob files under `<blob root>/blobs` plus the blobs packed in `<blob root>/pack`. */
function blobCount(root: string): number {
  let n = readPackedIdsSync(path.dirname(root)).length;
  const walk = (d: string) => {
    if (!existsSync(d)) return;
    for (const e of readdirSync(d)) {
      const p = path.join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else n += 1;
    }
  };
  walk(root);
  return n;
}

describe('janitor with Redis down', () => {
  let t: Topology;
  let redis: SwitchableRedis;

  beforeAll(async () => {
    redis = await SwitchableRedis.reserve();
    t = await Topology.start({
      janitor: { REDIS_URL: `redis://127.0.0.1:${redis.port}`, JANITOR_OUTBOX_GRACE_SECONDS: '0', JANITOR_OUTBOX_INTERVAL_MS: '300' },
    });
  }, 60_000);

  afterAll(async () => {
    await t?.stop();
    await redis?.down();
  });

  it('starts not ready, loses nothing, and drains the outbox once Redis is back', async () => {
    const ready = await fetch(`http://127.0.0.1:${t.ports.janitor}/readyz`);
    expect(ready.status).toBe(503);
    const client = new S3Client({ region: 'auto', endpoint: t.endpoint, forcePathStyle: true, credentials: t.credentials, maxAttempts: 1 });
    await client.send(new CreateBucketCommand({ Bucket: 'outage' }));
    await client.send(new PutObjectCommand({ Bucket: 'outage', Key: 'k', Body: 'first' }));
    const root = path.join(t.dataDir, 'blobs', 'blobs');
    const one = blobCount(root);
    await client.send(new PutObjectCommand({ Bucket: 'outage', Key: 'k', Body: 'second' }));
    // The superseded blob waits in the outbox: no scheduler runs without Redis.
    await new Promise((r) => setTimeout(r, 1500));
    expect(blobCount(root)).toBe(one + 1);

    await redis.up();
    const deadline = Date.now() + 20_000;
    while (blobCount(root) !== one && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(blobCount(root)).toBe(one);
    expect((await fetch(`http://127.0.0.1:${t.ports.janitor}/readyz`)).status).toBe(200);
  }, 60_000);
});
