import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FilesystemBackend, MemoryBackend } from '@excloud/blob-backend';
import { BLOB_ROUTES, INTERNAL_HEADERS } from '@excloud/contracts';
import { InternalClient } from '@excloud/internal-client';
import { mintCapability } from '@excloud/service-kit';
import { chunked, startTestBlobService, type TestBlobService } from './test-support';

let svc: TestBlobService;
let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'blob-compact-'));
  svc = await startTestBlobService(new FilesystemBackend({ root, fsync: false, packMaxBytes: 64 * 1024, packSegmentBytes: 16 * 1024 }));
});
afterAll(async () => {
  await svc.close();
  await rm(root, { recursive: true, force: true });
});

const compact = async (query = '', token?: string) =>
  new InternalClient(svc.url).json<{ segments: number; removedBytes: number; copiedBytes: number }>({
    method: 'POST',
    path: `${BLOB_ROUTES.systemCompact}${query}`,
    token: token ?? (await svc.systemToken()),
  });

describe('pack compaction route', () => {
  it('rewrites mostly-dead segments for the system token; the blobs still read back', async () => {
    const org = svc.org('acme');
    const kept = [];
    for (let i = 0; i < 30; i++) {
      const put = await svc.client.put(org, chunked(randomBytes(2000)), {});
      if (i % 5 === 0) kept.push(put);
      else await svc.client.systemDelete(await svc.systemToken(), put.blobId);
    }
    const metricsBefore = await (await fetch(`${svc.url}/metrics`)).text();
    expect(metricsBefore).toMatch(/excloud_blob_pack_bytes\{[^}]*state="dead"[^}]*\} [1-9]/);
    const result = await compact('?minDeadFraction=0.5');
    expect(result.segments).toBeGreaterThan(0);
    expect(result.removedBytes).toBeGreaterThan(result.copiedBytes);
    for (const put of kept) {
      const body = await svc.client.get(org, { blobId: put.blobId, size: put.size, encryption: put.encryption }, undefined);
      let n = 0;
      for await (const chunk of body) n += (chunk as Buffer).length;
      expect(n).toBe(2000);
    }
  });

  it('refuses callers without the system token and bad thresholds', async () => {
    const capability = mintCapability(svc.config.capabilityKeys, { orgId: svc.org('acme'), op: 'delete', blobId: 'acme/x/y' });
    await expect(
      new InternalClient(svc.url).json({ method: 'POST', path: BLOB_ROUTES.systemCompact, headers: { [INTERNAL_HEADERS.capability]: capability } }),
    ).rejects.toMatchObject({ code: 'AccessDenied' });
    await expect(compact('', 'not-a-token')).rejects.toMatchObject({ code: 'AccessDenied' });
    await expect(compact('?minDeadFraction=2')).rejects.toMatchObject({ code: 'InvalidArgument' });
    await expect(compact('?minDeadFraction=x')).rejects.toMatchObject({ code: 'InvalidArgument' });
  });

  it('answers zeros when the backend does not pack', async () => {
    const plain = await startTestBlobService(new MemoryBackend());
    try {
      const result = await new InternalClient(plain.url).json({ method: 'POST', path: BLOB_ROUTES.systemCompact, token: await plain.systemToken() });
      expect(result).toEqual({ segments: 0, removedBytes: 0, copiedBytes: 0 });
    } finally {
      await plain.close();
    }
  });
});
