/**
 * CPU of the blob service per operation, from /proc (robust on a busy machine, unlike ops/s):
 * starts `services/blob/src/main.ts` as its own process on a temp fs root (fsync on), then PUTs
 * and GETs through the real client at concurrency 8. `npx tsx scripts/measure-blob.ts [sizeKiB] [count]`
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { asOrgId, type ManifestPart } from '@excloud/contracts';
import { BlobClient, readAll } from '@excloud/internal-client';
import { generateInternalCredentials, mintCapability, parseCapabilityKeys } from '@excloud/service-kit';
import { cpuMs, freePort, inParallel } from './measure-support';

const sizeKiB = Number(process.argv[2] ?? 4);
const count = Number(process.argv[3] ?? 400);

async function main(): Promise<void> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'measure-blob-'));
  const port = await freePort();
  const keys = generateInternalCredentials().blobCapabilityKeys;
  const child = spawn(process.execPath, [...(process.env.BLOB_NODE_ARGS ?? '').split(' ').filter(Boolean), '--import', 'tsx', 'services/blob/src/main.ts'], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', BLOB_FS_ROOT: root, BLOB_MASTER_KEYS: `k1:${randomBytes(32).toString('base64')}`, BLOB_CAPABILITY_KEYS: keys },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  try {
    for (let i = 0; ; i++) {
      if (await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false)) break;
      if (i > 300) throw new Error('blob did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
    const capabilityKeys = parseCapabilityKeys(keys);
    const client = new BlobClient(`http://127.0.0.1:${port}`, (c) => mintCapability(capabilityKeys, c));
    const org = asOrgId('measure');
    const body = randomBytes(sizeKiB * 1024);
    const parts: ManifestPart[] = [];
    // Warm up: JIT, connections, directories.
    for (let i = 0; i < 20; i++) await client.put(org, Readable.from([body]), { contentLength: body.length });
    let before = cpuMs(child.pid!);
    let t0 = Date.now();
    await inParallel(count, async () => {
      const r = await client.put(org, Readable.from([body]), { contentLength: body.length });
      parts.push({ blobId: r.blobId, size: r.size, encryption: r.encryption });
    });
    const putCpu = (cpuMs(child.pid!) - before) / count;
    const putWall = Date.now() - t0;
    before = cpuMs(child.pid!);
    t0 = Date.now();
    await inParallel(count, async (i) => {
      const got = await readAll(await client.get(org, parts[i]!, undefined));
      if (got.length !== body.length) throw new Error('short read');
    });
    const getCpu = (cpuMs(child.pid!) - before) / count;
    console.log(JSON.stringify({ sizeKiB, count, putCpuMsPerOp: +putCpu.toFixed(3), getCpuMsPerOp: +getCpu.toFixed(3), putWallMs: putWall, getWallMs: Date.now() - t0 }));
  } finally {
    child.kill(process.env.BLOB_NODE_ARGS ? 'SIGINT' : 'SIGKILL');
    await new Promise((r) => setTimeout(r, process.env.BLOB_NODE_ARGS ? 3000 : 0));
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
