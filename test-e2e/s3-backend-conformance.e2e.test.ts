import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { S3Backend, S3_BACKEND_CLIENT_DEFAULTS, runBlobBackendConformance } from '@excloud/blob-backend';
import { hasCommand } from './support/cli';
import { s3, uniqueBucket } from './support/clients';

/**
 * The S3 blob backend is how operators put blobs on an existing distributed store, so it must pass
 * the same conformance suite as the filesystem backend against real S3 implementations:
 *  1. our own gateway (the e2e stack: a second instance of excloud acting as the blob store);
 *  2. Ceph RGW, when it is installed (../shared/peers/ceph-rgw.sh starts a one-node cluster);
 *     otherwise the suite is skipped and says why.
 */

describe('S3 backend against our own gateway', () => {
  let client: S3Client;
  let bucket: string;
  beforeAll(async () => {
    client = s3({ extra: S3_BACKEND_CLIENT_DEFAULTS });
    bucket = uniqueBucket('blob-backend');
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  });
  afterAll(() => client.destroy());
  // Every backend instance gets its own key prefix, so tests do not see each other's blobs.
  runBlobBackendConformance('s3 → excloud gateway', async () => new S3Backend({ client, bucket, prefix: `conformance-${randomBytes(6).toString('hex')}/` }));
});

// shared/ sits beside the repository (CI lays it there); CEPH_RGW_SCRIPT overrides, e.g. from a worktree.
const CEPH_SCRIPT = process.env.CEPH_RGW_SCRIPT ?? path.resolve(__dirname, '..', '..', 'shared', 'peers', 'ceph-rgw.sh');
const CEPH_MON_PORT = 16789; // fixed in ceph-rgw.sh

function cephUnavailable(): string | undefined {
  if (!existsSync(CEPH_SCRIPT)) return `${CEPH_SCRIPT} not found`;
  for (const bin of ['radosgw', 'ceph-mon', 'ceph-osd', 'radosgw-admin']) {
    if (!hasCommand(bin)) return `${bin} is not installed (apt-get install -y --no-install-recommends radosgw ceph-mon ceph-osd)`;
  }
  // ceph-rgw.sh's monitor port is fixed: another cluster on this machine (a benchmark) owns it.
  if (portInUse(CEPH_MON_PORT)) return `port ${CEPH_MON_PORT} is taken by another Ceph monitor on this machine`;
  return undefined;
}

/** Synchronous, because jest decides what to skip while it collects the tests. */
function portInUse(port: number): boolean {
  try {
    execFileSync('bash', ['-c', `exec 3<>/dev/tcp/127.0.0.1/${port}`], { stdio: 'ignore', timeout: 5_000 });
    return true;
  } catch {
    return false;
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

const cephMissing = cephUnavailable();
if (cephMissing) {
  // Printed so a CI log says why this backend went unproven on this machine.
  console.warn(`skipping S3 backend conformance against Ceph RGW: ${cephMissing}`);
  it.skip(`S3 backend against Ceph RGW (${cephMissing})`, () => undefined);
} else {
  describe('S3 backend against Ceph RGW', () => {
    const base = path.join(os.tmpdir(), `excloud-ceph-${process.pid}`);
    let client: S3Client;
    const bucket = 'blob-backend-conformance';

    beforeAll(async () => {
      const port = await freePort();
      execFileSync('bash', [CEPH_SCRIPT, 'start', String(port), base], { stdio: 'inherit', timeout: 180_000 });
      client = new S3Client({ ...S3_BACKEND_CLIENT_DEFAULTS, endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'BENCHAK', secretAccessKey: 'BENCHSK' } });
      await client.send(new CreateBucketCommand({ Bucket: bucket }));
    }, 240_000);

    afterAll(() => {
      client?.destroy();
      // Also after a failed start: whatever did start is stopped.
      if (existsSync(base)) execFileSync('bash', [CEPH_SCRIPT, 'stop', '0', base], { stdio: 'inherit', timeout: 120_000 });
    }, 180_000);

    runBlobBackendConformance('s3 → Ceph RGW', async () => new S3Backend({ client, bucket, prefix: `conformance-${randomBytes(6).toString('hex')}/` }));
  });
}
