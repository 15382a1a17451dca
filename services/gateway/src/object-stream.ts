import { PassThrough, type Readable } from 'node:stream';
import type { ManifestPart } from '@excloud/contracts';
import type { BlobClient } from '@excloud/internal-client';
import type { ByteRange } from './range';

/**
 * Plaintext of an object (or a range of it) from its manifest: each overlapping blob is fetched
 * in turn, so memory stays bounded whatever the object size. An error in any blob breaks the
 * stream, never splices wrong bytes.
 */
export function streamObject(opts: {
  blob: BlobClient;
  token: string;
  manifest: ManifestPart[];
  range: ByteRange;
  requestId: string;
}): Readable {
  const out = new PassThrough({ highWaterMark: 1 << 20 });
  let current: Readable | undefined;
  out.once('close', () => current?.destroy());
  void (async () => {
    let offset = 0;
    for (const part of opts.manifest) {
      const partStart = offset;
      const partEnd = offset + part.size - 1;
      offset += part.size;
      if (part.size === 0 || partEnd < opts.range.start || partStart > opts.range.end) continue;
      const from = Math.max(opts.range.start, partStart) - partStart;
      const to = Math.min(opts.range.end, partEnd) - partStart;
      const whole = from === 0 && to === part.size - 1;
      if (out.destroyed) return;
      const src = await opts.blob.get(opts.token, part, whole ? undefined : { start: from, end: to }, opts.requestId);
      current = src;
      await new Promise<void>((resolve, reject) => {
        src.on('error', reject);
        src.on('end', resolve);
        src.on('aborted', () => reject(new Error('blob stream aborted')));
        src.pipe(out, { end: false });
      });
    }
    out.end();
  })().catch((err) => out.destroy(err));
  return out;
}
