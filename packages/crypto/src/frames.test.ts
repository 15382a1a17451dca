import { createCipheriv, randomBytes } from 'node:crypto';
import { DecryptionError } from './errors';
import { blobAad, FRAME_SIZE, frameNonce, STORED_FRAME_SIZE, TAG_SIZE } from './format';
import { KeyRing } from './key-ring';
import { openBlob } from './open';
import { FrameSealer, openSealer } from './seal';
import { makeRing } from './test-helpers';

const blobId = 'org1/20250101/01JFRAMES';

/** The format written out by hand: frame i is AES-256-GCM under nonce prefix ‖ i ‖ final flag, then its tag. */
function referenceCiphertext(dataKey: Buffer, noncePrefix: Buffer, plaintext: Buffer): Buffer {
  const frames = Math.max(1, Math.ceil(plaintext.length / FRAME_SIZE));
  const out: Buffer[] = [];
  for (let i = 0; i < frames; i++) {
    const cipher = createCipheriv('aes-256-gcm', dataKey, frameNonce(noncePrefix, i, i === frames - 1), { authTagLength: TAG_SIZE });
    cipher.setAAD(blobAad(blobId));
    out.push(cipher.update(plaintext.subarray(i * FRAME_SIZE, (i + 1) * FRAME_SIZE)), cipher.final(), cipher.getAuthTag());
  }
  return Buffer.concat(out);
}

function split(data: Buffer, sizes: number[]): Buffer[] {
  const parts: Buffer[] = [];
  let at = 0;
  for (let i = 0; at < data.length; i++) {
    const n = sizes[i % sizes.length]!;
    parts.push(data.subarray(at, at + n));
    at += n;
  }
  return parts;
}

describe('FrameSealer writes the documented format', () => {
  const L = 3 * FRAME_SIZE + 77;
  const plaintext = randomBytes(L);
  it.each([
    ['one chunk', [L]],
    ['frame-sized chunks', [FRAME_SIZE]],
    ['chunks straddling frames', [FRAME_SIZE - 1, 2, 40_000]],
    ['tiny and huge chunks', [1, 2 * FRAME_SIZE + 5, 3]],
  ])('%s', (_name, sizes) => {
    for (const borrow of [true, false]) {
      const dataKey = randomBytes(32);
      const noncePrefix = randomBytes(7);
      const expected = referenceCiphertext(dataKey, noncePrefix, plaintext);
      const sealer = new FrameSealer(Buffer.from(dataKey), noncePrefix, blobAad(blobId), borrow);
      const out: Buffer[] = [];
      for (const part of split(plaintext, sizes)) sealer.update(part, out);
      sealer.finish(out);
      expect(Buffer.concat(out).equals(expected)).toBe(true);
    }
  });

  it('an empty blob is one empty final frame: just its tag', () => {
    const dataKey = randomBytes(32);
    const noncePrefix = randomBytes(7);
    const out: Buffer[] = [];
    new FrameSealer(Buffer.from(dataKey), noncePrefix, blobAad(blobId), true).finish(out);
    expect(Buffer.concat(out).equals(referenceCiphertext(dataKey, noncePrefix, Buffer.alloc(0)))).toBe(true);
  });

  it('without borrowInput, a caller may reuse its chunk as soon as update returns', () => {
    const dataKey = randomBytes(32);
    const noncePrefix = randomBytes(7);
    const data = randomBytes(1000);
    const reused = Buffer.from(data);
    const sealer = new FrameSealer(Buffer.from(dataKey), noncePrefix, blobAad(blobId), false);
    const out: Buffer[] = [];
    sealer.update(reused, out);
    reused.fill(0);
    sealer.finish(out);
    expect(Buffer.concat(out).equals(referenceCiphertext(dataKey, noncePrefix, data))).toBe(true);
  });

  it('refuses input after finish', () => {
    const { sealer } = openSealer({ ring: makeRing(), blobId });
    sealer.finish([]);
    expect(() => sealer.update(Buffer.from('x'), [])).toThrow(/finished/);
  });
});

describe('FrameOpener', () => {
  const ring = makeRing();
  const L = 4 * FRAME_SIZE + 9;
  const plaintext = randomBytes(L);
  const { keyInfo, sealer } = openSealer({ ring, blobId, borrowInput: true });
  const out: Buffer[] = [];
  sealer.update(plaintext, out);
  sealer.finish(out);
  const ciphertext = Buffer.concat(out);

  it.each([
    ['one chunk (frames opened in place)', [ciphertext.length]],
    ['stored-frame-sized chunks', [STORED_FRAME_SIZE]],
    ['chunks splitting frames and tags', [STORED_FRAME_SIZE - 8, 3 * STORED_FRAME_SIZE, 5]],
  ])('reads %s', (_name, sizes) => {
    const opener = openBlob({ ring, blobId, keyInfo, plaintextLength: L, firstFrame: 0 });
    const got: Buffer[] = [];
    for (const part of split(ciphertext, sizes)) opener.update(part, got);
    expect(opener.complete).toBe(true);
    opener.finish();
    expect(Buffer.concat(got).equals(plaintext)).toBe(true);
  });

  it('is complete exactly when the last frame the window needs has been authenticated', () => {
    const opener = openBlob({ ring, blobId, keyInfo, plaintextLength: L, firstFrame: 0, skip: 10, take: FRAME_SIZE });
    const got: Buffer[] = [];
    opener.update(ciphertext.subarray(0, STORED_FRAME_SIZE), got);
    expect(opener.complete).toBe(false);
    expect(() => opener.finish()).toThrow(DecryptionError);
    opener.update(ciphertext.subarray(STORED_FRAME_SIZE, 2 * STORED_FRAME_SIZE), got);
    expect(opener.complete).toBe(true);
    expect(Buffer.concat(got).equals(plaintext.subarray(10, 10 + FRAME_SIZE))).toBe(true);
  });

  it('a damaged frame inside one big chunk throws, having handed out only the authentic frames before it', () => {
    const damaged = Buffer.from(ciphertext);
    damaged[2 * STORED_FRAME_SIZE + 100]! ^= 0x80;
    const opener = openBlob({ ring, blobId, keyInfo, plaintextLength: L, firstFrame: 0 });
    const got: Buffer[] = [];
    expect(() => opener.update(damaged, got)).toThrow(DecryptionError);
    expect(Buffer.concat(got).equals(plaintext.subarray(0, 2 * FRAME_SIZE))).toBe(true);
  });
});

it('still reads a blob written before the sealer existed (golden vector from the stream encryptor)', () => {
  const ring = new KeyRing({ activeKeyId: 'golden', keys: { golden: Buffer.alloc(32, 0x42) } });
  const keyInfo = {
    keyId: 'golden',
    wrappedKey: 'nSxaTZAi+ylh/tw9hOpADfDUTxatG4X7LCv+VAH+7wiYxjNXqdPNkLKc1UWZZo5bRTPP/iYFzuMoM1pX',
    noncePrefix: '2phum6yQ4Q==',
  };
  const ciphertext = Buffer.from(
    'GnCnHjlRoOJekUJ+MBWN35pWhVB8ZOKCsiu9C2FQG4+0mMsUaAKuYNQ9rqjxIngOg26uqvFomRPcrjHqLSEAAv7juyGZ9f1ztXtSKuNhl5GE/vbXyOTjGrkq1hZu0cf01MVyctgSJ8SfwYy74g32cwW6IIU=',
    'base64',
  );
  const opener = openBlob({ ring, blobId: 'org1/20250101/01JGOLDEN', keyInfo, plaintextLength: 100, firstFrame: 0 });
  const got: Buffer[] = [];
  opener.update(ciphertext, got);
  opener.finish();
  expect(Buffer.concat(got).equals(Buffer.from(Array.from({ length: 100 }, (_, i) => (i * 7) % 251)))).toBe(true);
});
