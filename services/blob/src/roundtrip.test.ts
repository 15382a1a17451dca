import type { OrgId } from '@excloud/contracts';
import { createHash, randomBytes } from 'node:crypto';
import * as zlib from 'node:zlib';
import { MemoryBackend } from '@excloud/blob-backend';
import type { ChecksumAlgorithm } from '@excloud/contracts';
import { ciphertextLength, FRAME_SIZE } from '@excloud/crypto';
import { InternalClient } from '@excloud/internal-client';
import { createChecksum } from '@excloud/sigv4';
import { chunked, readBody, startTestBlobService, type TestBlobService } from './test-support';

const ALL: ChecksumAlgorithm[] = ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'];
const ORG = 'acme';

let svc: TestBlobService;
let backend: MemoryBackend;
let token: OrgId;

beforeAll(async () => {
  backend = new MemoryBackend();
  svc = await startTestBlobService(backend);
  token = svc.org(ORG);
});
afterAll(() => svc.close());

function uint32Base64(n: number): string {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b.toString('base64');
}

describe.each([0, 1, FRAME_SIZE, FRAME_SIZE + 1, 1024 * 1024 + 3])('a %i-byte blob', (size) => {
  const plaintext = randomBytes(size);

  it('round-trips with digests equal to node:crypto and encrypted storage', async () => {
    const put = await svc.client.put(token, chunked(plaintext), { checksums: ALL, maxSize: size, contentLength: size });
    expect(put.size).toBe(size);
    expect(put.blobId).toMatch(new RegExp(`^${ORG}/\\d{8}/[0-9A-Za-z]{26}$`));
    expect(put.md5).toBe(createHash('md5').update(plaintext).digest('hex'));
    expect(put.sha256).toBe(createHash('sha256').update(plaintext).digest('hex'));
    expect(put.checksums.SHA256).toBe(createHash('sha256').update(plaintext).digest('base64'));
    expect(put.checksums.SHA1).toBe(createHash('sha1').update(plaintext).digest('base64'));
    expect(put.checksums.CRC32).toBe(uint32Base64(zlib.crc32(plaintext)));
    for (const alg of ['CRC32C', 'CRC64NVME'] as const) {
      const oneShot = createChecksum(alg);
      oneShot.update(plaintext);
      expect(put.checksums[alg]).toBe(oneShot.digestBase64());
    }
    expect(put.encryption.keyId).toBe('k1');

    const stored = await readBody(await backend.get({ id: put.blobId }));
    expect(stored.length).toBe(ciphertextLength(size));
    if (size > 0) expect(stored.subarray(0, Math.min(size, FRAME_SIZE)).equals(plaintext.subarray(0, FRAME_SIZE))).toBe(false);

    const res = await svc.client.get(token, { blobId: put.blobId, size, encryption: put.encryption }, undefined);
    expect(res.headers['content-length']).toBe(String(size));
    const back = await readBody(res);
    expect(back.length).toBe(size);
    expect(back.equals(plaintext)).toBe(true);
  });
});

describe('digests', () => {
  const check = Buffer.from('123456789');

  it('match the published check values for "123456789"', async () => {
    const put = await svc.client.put(token, chunked(check, 2), { checksums: ALL });
    expect(put.md5).toBe('25f9e794323b453885f5181f1b624d0b');
    expect(put.sha256).toBe('15e2b0d3c33891ebb0f1ef609ec419420c20e320ce94c65fbc8c3312448eb225');
    expect(put.checksums).toEqual({
      CRC32: Buffer.from('cbf43926', 'hex').toString('base64'),
      CRC32C: Buffer.from('e3069283', 'hex').toString('base64'),
      CRC64NVME: Buffer.from('ae8b14860a799888', 'hex').toString('base64'),
      SHA1: Buffer.from('f7c3bc1d808e04732adf679965ccc34ca7ae3441', 'hex').toString('base64'),
      SHA256: Buffer.from('15e2b0d3c33891ebb0f1ef609ec419420c20e320ce94c65fbc8c3312448eb225', 'hex').toString('base64'),
    });
  });

  it('computes only the checksums asked for', async () => {
    const put = await svc.client.put(token, chunked(check), { checksums: ['CRC32C'] });
    expect(Object.keys(put.checksums)).toEqual(['CRC32C']);
    const none = await svc.client.put(token, chunked(check), {});
    expect(none.checksums).toEqual({});
  });

  it('rejects an unknown checksum algorithm', async () => {
    await expect(svc.client.put(token, chunked(check), { checksums: ['MD4' as ChecksumAlgorithm] })).rejects.toMatchObject({
      code: 'InvalidArgument',
    });
  });

  it('gives every blob a fresh id and data key, even for identical bodies', async () => {
    const a = await svc.client.put(token, chunked(check), {});
    const b = await svc.client.put(token, chunked(check), {});
    expect(a.blobId).not.toBe(b.blobId);
    expect(a.encryption.wrappedKey).not.toBe(b.encryption.wrappedKey);
    expect(a.encryption.noncePrefix).not.toBe(b.encryption.noncePrefix);
  });
});

describe('service endpoints', () => {
  it('is ready when the backend is, and counts bytes in /metrics', async () => {
    const http = new InternalClient(svc.url);
    await expect(http.json({ method: 'GET', path: '/readyz' })).resolves.toMatchObject({ status: 'ready', service: 'blob' });
    const metrics = (await readBody(await http.raw({ method: 'GET', path: '/metrics' }))).toString();
    const written = /^excloud_blob_bytes_written_total\{[^}]*\} (\d+)/m.exec(metrics);
    expect(Number(written?.[1])).toBeGreaterThan(1024 * 1024);
    expect(metrics).toMatch(/excloud_blob_backend_op_duration_seconds_count\{[^}]*op="put"[^}]*backend="memory"[^}]*outcome="ok"/);
  });

  it('answers a read-ahead of a gone blob with NoSuchKey without counting a backend error; a plain read of it counts', async () => {
    const http = new InternalClient(svc.url);
    const getErrors = async () => {
      const metrics = (await readBody(await http.raw({ method: 'GET', path: '/metrics' }))).toString();
      return Number(/^excloud_blob_backend_op_duration_seconds_count\{[^}]*op="get"[^}]*outcome="error"[^}]*\} (\d+)/m.exec(metrics)?.[1] ?? 0);
    };
    const put = await svc.client.put(token, chunked(randomBytes(100)), { maxSize: 100, contentLength: 100 });
    const part = { blobId: put.blobId, size: put.size, encryption: put.encryption };
    await svc.client.delete(token, put.blobId);
    const before = await getErrors();
    await expect(svc.client.readAhead(token, part)).rejects.toMatchObject({ code: 'NoSuchKey' });
    expect(await getErrors()).toBe(before);
    await expect(svc.client.get(token, part, undefined)).rejects.toMatchObject({ code: 'NoSuchKey' });
    expect(await getErrors()).toBe(before + 1);
  });
});
