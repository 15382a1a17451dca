import type { ManifestPart, OrgId } from '@excloud/contracts';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FilesystemBackend } from '@excloud/blob-backend';
import { chunked, readBody, startTestBlobService, type TestBlobService } from './test-support';

let root: string;
let backend: FilesystemBackend;
let svc: TestBlobService;
let token: OrgId;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'blob-packed-'));
  backend = new FilesystemBackend({ root, fsync: false, packMaxBytes: 64 * 1024 });
  svc = await startTestBlobService(backend);
  token = svc.org('acme');
});
afterAll(async () => {
  await svc.close();
  await rm(root, { recursive: true, force: true });
});

async function putBlob(plaintext: Buffer): Promise<ManifestPart> {
  const put = await svc.client.put(token, chunked(plaintext), {});
  return { blobId: put.blobId, size: put.size, encryption: put.encryption };
}

/** Flips one byte of a packed blob's stored bytes where they sit in their segment file. */
async function flipStoredByte(blobId: string, at: number): Promise<void> {
  const stored = (await backend.getSmall({ id: blobId }))!;
  for (const name of await readdir(join(root, 'pack'))) {
    const file = join(root, 'pack', name);
    const bytes = await readFile(file);
    const offset = bytes.indexOf(stored);
    if (offset < 0) continue;
    bytes[offset + at] = bytes[offset + at]! ^ 0x01;
    await writeFile(file, bytes);
    return;
  }
  throw new Error(`stored bytes of ${blobId} not found in any segment`);
}

describe('packed blobs are read in one piece', () => {
  it('serves whole blobs and ranges of them byte for byte', async () => {
    for (const size of [0, 1, 5000, 60 * 1024]) {
      const plaintext = randomBytes(size);
      const part = await putBlob(plaintext);
      expect(await backend.getSmall({ id: part.blobId })).toBeInstanceOf(Buffer);
      expect((await readBody(await svc.client.get(token, part, undefined))).equals(plaintext)).toBe(true);
      if (size < 2) continue;
      for (const [start, end] of [[0, 0], [1, size - 1], [Math.floor(size / 3), Math.floor(size / 2)]] as const) {
        expect((await readBody(await svc.client.get(token, part, { start, end }))).equals(plaintext.subarray(start, end + 1))).toBe(true);
      }
    }
  });

  it('leaves blobs kept in their own file to the streaming read', async () => {
    const plaintext = randomBytes(100 * 1024);
    const part = await putBlob(plaintext);
    expect(await backend.getSmall({ id: part.blobId })).toBeUndefined();
    expect((await readBody(await svc.client.get(token, part, undefined))).equals(plaintext)).toBe(true);
  });

  it('a flipped stored byte is a 500 before any byte, for the whole blob and for a range', async () => {
    const part = await putBlob(randomBytes(3000));
    await flipStoredByte(part.blobId, 1500);
    await expect(svc.client.get(token, part, undefined)).rejects.toMatchObject({ code: 'InternalError', status: 500 });
    await expect(svc.client.get(token, part, { start: 10, end: 20 })).rejects.toMatchObject({ code: 'InternalError', status: 500 });
  });
});
