import { randomBytes, randomInt } from 'node:crypto';
import { createDecryptor } from './decrypt';
import { DecryptionError, KeyRingError } from './errors';
import { FRAME_SIZE, frameRangeFor, STORED_FRAME_SIZE } from './format';
import { decrypt, encrypt, makeRing } from './test-helpers';

const ring = makeRing();
const blobId = 'org1/20250101/01JTAMPER';
const L = 3 * FRAME_SIZE + 5;
const plaintext = randomBytes(L);
let stored: Awaited<ReturnType<typeof encrypt>>;

beforeAll(async () => {
  stored = await encrypt(ring, blobId, plaintext);
});

function attempt(ciphertext: Buffer, overrides: Partial<Parameters<typeof decrypt>[0]> = {}): Promise<Buffer> {
  return decrypt({ ring, blobId, keyInfo: stored.keyInfo, plaintextLength: L, ciphertext, ...overrides });
}

describe('tampering is detected', () => {
  it('flipping any single byte fails (every frame, body and tag, including edges)', async () => {
    const total = stored.ciphertext.length;
    const positions = new Set<number>([0, 1, FRAME_SIZE - 1, FRAME_SIZE, STORED_FRAME_SIZE - 1, STORED_FRAME_SIZE, total - 17, total - 16, total - 1]);
    while (positions.size < 60) positions.add(randomInt(0, total));
    for (const pos of positions) {
      const bad = Buffer.from(stored.ciphertext);
      bad[pos] = bad[pos]! ^ (1 << randomInt(0, 8));
      await expect(attempt(bad)).rejects.toBeInstanceOf(DecryptionError);
    }
  });

  it('a flipped byte in a frame fails a range read of that frame and emits nothing', async () => {
    const r = frameRangeFor(L, { start: FRAME_SIZE + 3, end: FRAME_SIZE + 3 });
    const bad = Buffer.from(stored.ciphertext.subarray(r.cipherStart, r.cipherEnd + 1));
    bad[100] = bad[100]! ^ 0x01;
    await expect(attempt(bad, r)).rejects.toBeInstanceOf(DecryptionError);
  });

  it('bytes emitted before a failure are an authentic prefix, never garbage', async () => {
    const bad = Buffer.from(stored.ciphertext);
    bad[2 * STORED_FRAME_SIZE + 7] = bad[2 * STORED_FRAME_SIZE + 7]! ^ 0x01;
    const stream = createDecryptor({ ring, blobId, keyInfo: stored.keyInfo, plaintextLength: L, firstFrame: 0 });
    const seen: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => seen.push(chunk));
    const failed = new Promise((resolve) => stream.on('error', resolve));
    stream.end(bad);
    await expect(failed).resolves.toBeInstanceOf(DecryptionError);
    const got = Buffer.concat(seen);
    expect(got.length).toBeLessThanOrEqual(2 * FRAME_SIZE);
    expect(got.equals(plaintext.subarray(0, got.length))).toBe(true);
  });

  it('dropping the final frame fails (metadata length unchanged)', async () => {
    await expect(attempt(stored.ciphertext.subarray(0, 3 * STORED_FRAME_SIZE))).rejects.toThrow(/truncated/);
  });

  it('dropping the final frame fails even if the recorded length is truncated to match', async () => {
    const truncated = stored.ciphertext.subarray(0, 3 * STORED_FRAME_SIZE);
    await expect(attempt(truncated, { plaintextLength: 3 * FRAME_SIZE })).rejects.toBeInstanceOf(DecryptionError);
  });

  it('cutting the stream short inside a frame fails', async () => {
    await expect(attempt(stored.ciphertext.subarray(0, stored.ciphertext.length - 1))).rejects.toBeInstanceOf(DecryptionError);
  });

  it('trailing bytes beyond the blob fail', async () => {
    await expect(attempt(Buffer.concat([stored.ciphertext, Buffer.alloc(1)]))).rejects.toBeInstanceOf(DecryptionError);
  });

  it('swapping two frames fails', async () => {
    const c = stored.ciphertext;
    const f0 = c.subarray(0, STORED_FRAME_SIZE);
    const f1 = c.subarray(STORED_FRAME_SIZE, 2 * STORED_FRAME_SIZE);
    const swapped = Buffer.concat([f1, f0, c.subarray(2 * STORED_FRAME_SIZE)]);
    await expect(attempt(swapped)).rejects.toBeInstanceOf(DecryptionError);
  });

  it('serving frame 2 where frame 1 was requested fails', async () => {
    const r = frameRangeFor(L, { start: FRAME_SIZE, end: FRAME_SIZE });
    const wrong = stored.ciphertext.subarray(2 * STORED_FRAME_SIZE, 3 * STORED_FRAME_SIZE);
    await expect(attempt(wrong, r)).rejects.toBeInstanceOf(DecryptionError);
  });

  it('a wrong blob id fails', async () => {
    await expect(attempt(stored.ciphertext, { blobId: 'org1/20250101/01JOTHER' })).rejects.toBeInstanceOf(DecryptionError);
  });

  it('an empty blob checks its tag too', async () => {
    const empty = await encrypt(ring, blobId, Buffer.alloc(0));
    expect(empty.ciphertext).toHaveLength(16);
    const bad = Buffer.from(empty.ciphertext);
    bad[0] = bad[0]! ^ 0x80;
    await expect(attempt(bad, { keyInfo: empty.keyInfo, plaintextLength: 0 })).rejects.toBeInstanceOf(DecryptionError);
    await expect(attempt(Buffer.alloc(0), { keyInfo: empty.keyInfo, plaintextLength: 0 })).rejects.toThrow(/truncated/);
  });

  it('a tampered wrapped key or nonce prefix fails before any byte flows', () => {
    const raw = Buffer.from(stored.keyInfo.wrappedKey, 'base64');
    raw[20] = raw[20]! ^ 0x01;
    expect(() => attempt(stored.ciphertext, { keyInfo: { ...stored.keyInfo, wrappedKey: raw.toString('base64') } })).toThrow(DecryptionError);
    expect(() => attempt(stored.ciphertext, { keyInfo: { ...stored.keyInfo, wrappedKey: 'nope' } })).toThrow(DecryptionError);
    expect(() => attempt(stored.ciphertext, { keyInfo: { ...stored.keyInfo, noncePrefix: 'AAAA' } })).toThrow(DecryptionError);
  });

  it('a different nonce prefix fails on the first frame', async () => {
    const noncePrefix = Buffer.alloc(7, 1).toString('base64');
    await expect(attempt(stored.ciphertext, { keyInfo: { ...stored.keyInfo, noncePrefix } })).rejects.toBeInstanceOf(DecryptionError);
  });

  it('an unknown master key id is a key-ring error', () => {
    expect(() => attempt(stored.ciphertext, { keyInfo: { ...stored.keyInfo, keyId: 'k9' } })).toThrow(KeyRingError);
  });

  it('a ring with the same key id but different key material fails', () => {
    expect(() => attempt(stored.ciphertext, { ring: makeRing() })).toThrow(DecryptionError);
  });
});
