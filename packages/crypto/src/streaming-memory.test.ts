import { createHash, randomBytes, randomInt } from 'node:crypto';
import { Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createDecryptor } from './decrypt';
import { createEncryptor } from './encrypt';
import { ciphertextLength } from './format';
import { makeRing } from './test-helpers';

// Force a full GC before each sample so we measure what is retained, not garbage not yet collected.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

async function retainedBytes(): Promise<number> {
  // Two passes with a turn of the event loop between them: buffers released by the first pass
  // are only accounted as freed once their backing stores are actually reclaimed.
  gc();
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

it('64 MiB streams through encryptor and decryptor in bounded memory', async () => {
  const TOTAL = 64 * 1024 * 1024;
  const ring = makeRing();
  const blobId = 'org1/20250101/01JBIGBLOB';
  const { keyInfo, stream: encryptor } = createEncryptor({ ring, blobId });
  const decryptor = createDecryptor({ ring, blobId, keyInfo, plaintextLength: TOTAL, firstFrame: 0 });

  // Input chunks are views into one 1 MiB pool, so the source itself allocates nothing per chunk.
  const pool = randomBytes(1024 * 1024);
  const inputHash = createHash('sha256');
  const baseline = await retainedBytes();
  let peak = 0;
  async function* source(): AsyncGenerator<Buffer> {
    let sent = 0;
    let nextSample = 0;
    while (sent < TOTAL) {
      const n = Math.min(TOTAL - sent, randomInt(1, 256 * 1024));
      const at = randomInt(0, pool.length - n + 1);
      const chunk = pool.subarray(at, at + n);
      inputHash.update(chunk);
      sent += n;
      if (sent >= nextSample) {
        peak = Math.max(peak, (await retainedBytes()) - baseline);
        nextSample += 8 * 1024 * 1024;
      }
      yield chunk;
    }
  }

  let cipherBytes = 0;
  const countCipher = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      cipherBytes += chunk.length;
      cb(null, chunk);
    },
  });
  const outputHash = createHash('sha256');
  let plainBytes = 0;
  await pipeline(
    Readable.from(source()),
    encryptor,
    countCipher,
    decryptor,
    new Writable({
      write(chunk: Buffer, _enc, cb) {
        outputHash.update(chunk);
        plainBytes += chunk.length;
        cb();
      },
    }),
  );

  expect(plainBytes).toBe(TOTAL);
  expect(cipherBytes).toBe(ciphertextLength(TOTAL));
  expect(outputHash.digest('hex')).toBe(inputHash.digest('hex'));
  // Accumulating even a quarter of the stream would exceed this; the real figure is a few frames.
  expect(peak).toBeLessThan(8 * 1024 * 1024);
}, 60_000);
