import { randomBytes, randomInt } from 'node:crypto';
import { ciphertextLength, FRAME_SIZE, frameRangeFor, STORED_FRAME_SIZE } from './format';
import { decrypt, encrypt, makeRing } from './test-helpers';

const ring = makeRing();
const blobId = 'org1/20250101/01JABCDEF';

describe('round trip', () => {
  it.each([0, 1, FRAME_SIZE - 1, FRAME_SIZE, FRAME_SIZE + 1, 3 * FRAME_SIZE + 5])('%i bytes', async (size) => {
    const plaintext = randomBytes(size);
    const { ciphertext, keyInfo } = await encrypt(ring, blobId, plaintext);
    expect(ciphertext.length).toBe(ciphertextLength(size));
    const out = await decrypt({ ring, blobId, keyInfo, plaintextLength: size, ciphertext });
    expect(out.equals(plaintext)).toBe(true);
  });

  it('uses a fresh data key and nonce prefix per blob', async () => {
    const plaintext = randomBytes(100);
    const a = await encrypt(ring, blobId, plaintext);
    const b = await encrypt(ring, blobId, plaintext);
    expect(a.keyInfo.wrappedKey).not.toBe(b.keyInfo.wrappedKey);
    expect(a.keyInfo.noncePrefix).not.toBe(b.keyInfo.noncePrefix);
    expect(a.ciphertext.equals(b.ciphertext)).toBe(false);
    expect(a.keyInfo.keyId).toBe('k1');
    expect(Buffer.from(a.keyInfo.noncePrefix, 'base64')).toHaveLength(7);
  });
});

describe('range reads decrypt only the frames they need', () => {
  const L = 3 * FRAME_SIZE + 5;
  const plaintext = randomBytes(L);
  let stored: Awaited<ReturnType<typeof encrypt>>;
  beforeAll(async () => {
    stored = await encrypt(ring, blobId, plaintext);
  });

  async function readRange(start: number, end: number): Promise<{ bytes: Buffer; frames: number }> {
    const r = frameRangeFor(L, { start, end });
    // Only the selected stored bytes are handed to the decryptor — as a backend range read would.
    const slice = stored.ciphertext.subarray(r.cipherStart, r.cipherEnd + 1);
    const bytes = await decrypt({ ring, blobId, keyInfo: stored.keyInfo, plaintextLength: L, ciphertext: slice, ...r });
    return { bytes, frames: Math.ceil(slice.length / STORED_FRAME_SIZE) };
  }

  const F = FRAME_SIZE;
  it.each([
    ['first byte', 0, 0, 1],
    ['last byte', L - 1, L - 1, 1],
    ['whole blob', 0, L - 1, 4],
    ['last byte of frame 0', F - 1, F - 1, 1],
    ['first byte of frame 1', F, F, 1],
    ['last byte of frame 2', 3 * F - 1, 3 * F - 1, 1],
    ['first byte of the short final frame', 3 * F, 3 * F, 1],
    ['across the 0|1 boundary', F - 1, F, 2],
    ['across 1|2|3', 2 * F - 3, 3 * F + 2, 3],
    ['exactly frame 1', F, 2 * F - 1, 1],
  ])('%s', async (_name, start, end, frames) => {
    const got = await readRange(start, end);
    expect(got.frames).toBe(frames);
    expect(got.bytes.equals(plaintext.subarray(start, end + 1))).toBe(true);
  });

  it('200 random ranges', async () => {
    for (let i = 0; i < 200; i++) {
      const start = randomInt(0, L);
      const end = randomInt(start, Math.min(L, start + 2 * F));
      const got = await readRange(start, end);
      expect(got.bytes.equals(plaintext.subarray(start, end + 1))).toBe(true);
    }
  });

  it('accepts the rest of the blob after the needed frames (ignored, not emitted)', async () => {
    const r = frameRangeFor(L, { start: 10, end: 20 });
    const bytes = await decrypt({
      ring, blobId, keyInfo: stored.keyInfo, plaintextLength: L, ciphertext: stored.ciphertext, ...r,
    });
    expect(bytes.equals(plaintext.subarray(10, 21))).toBe(true);
  });

  it('rejects skip/take outside the blob synchronously', async () => {
    expect(() =>
      decrypt({ ring, blobId, keyInfo: stored.keyInfo, plaintextLength: L, ciphertext: stored.ciphertext, firstFrame: 3, skip: 0, take: 6 }),
    ).toThrow(RangeError);
    expect(() =>
      decrypt({ ring, blobId, keyInfo: stored.keyInfo, plaintextLength: L, ciphertext: stored.ciphertext, firstFrame: 4 }),
    ).toThrow(RangeError);
  });
});
