// Shared helpers for this package's tests (not exported from the package).
import { randomBytes, randomInt } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createDecryptor } from './decrypt';
import { createEncryptor } from './encrypt';
import type { BlobKeyInfo } from './format';
import { KeyRing } from './key-ring';

export function makeRing(activeKeyId = 'k1', ids: string[] = ['k1']): KeyRing {
  const keys: Record<string, Buffer> = {};
  for (const id of ids) keys[id] = randomBytes(32);
  return new KeyRing({ activeKeyId, keys });
}

/** Splits a buffer into random-sized chunks (including some empty ones) to exercise framing. */
export function randomChunks(data: Buffer, maxChunk = 20000): Buffer[] {
  const out: Buffer[] = [];
  let offset = 0;
  while (offset < data.length) {
    const n = Math.min(data.length - offset, randomInt(0, maxChunk + 1));
    out.push(data.subarray(offset, offset + n));
    offset += n;
  }
  return out;
}

export async function collect(source: Readable, sink: NodeJS.ReadWriteStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  await pipeline(
    source,
    sink,
    new Writable({
      write(chunk: Buffer, _enc, cb) {
        parts.push(chunk);
        cb();
      },
    }),
  );
  return Buffer.concat(parts);
}

export async function encrypt(ring: KeyRing, blobId: string, plaintext: Buffer): Promise<{ ciphertext: Buffer; keyInfo: BlobKeyInfo }> {
  const { keyInfo, stream } = createEncryptor({ ring, blobId });
  const ciphertext = await collect(Readable.from(randomChunks(plaintext)), stream);
  return { ciphertext, keyInfo };
}

/** Not async on purpose: createDecryptor's synchronous key errors must stay synchronous. */
export function decrypt(opts: {
  ring: KeyRing;
  blobId: string;
  keyInfo: BlobKeyInfo;
  plaintextLength: number;
  ciphertext: Buffer;
  firstFrame?: number;
  skip?: number;
  take?: number;
}): Promise<Buffer> {
  const stream = createDecryptor({ ...opts, firstFrame: opts.firstFrame ?? 0 });
  return collect(Readable.from(randomChunks(opts.ciphertext)), stream);
}
