import { PassThrough, type Readable } from 'node:stream';
import type { ManifestPart, OrgId } from '@excloud/contracts';
import type { BlobClient } from '@excloud/internal-client';
import type { ByteRange } from './range';

/**
 * Like streamObject, but resolves only once the first blob answered: a missing or unreadable blob
 * becomes an S3 error before any header is sent. A range inside one blob (every single-PUT
 * object) is that blob's response itself, with no extra stream in between.
 */
export async function openObjectStream(opts: Parameters<typeof streamObject>[0]): Promise<Readable> {
  const overlapping = partsOverlapping(opts.manifest, opts.range);
  if (overlapping.length === 1) {
    const { part, from, to } = overlapping[0]!;
    const whole = from === 0 && to === part.size - 1;
    return opts.blob.get(opts.orgId, part, whole ? undefined : { start: from, end: to }, opts.requestId);
  }
  return streamObject(opts);
}

function partsOverlapping(manifest: ManifestPart[], range: ByteRange): Array<{ part: ManifestPart; from: number; to: number }> {
  const out: Array<{ part: ManifestPart; from: number; to: number }> = [];
  let offset = 0;
  for (const part of manifest) {
    const partStart = offset;
    const partEnd = offset + part.size - 1;
    offset += part.size;
    if (part.size === 0 || partEnd < range.start || partStart > range.end) continue;
    out.push({ part, from: Math.max(range.start, partStart) - partStart, to: Math.min(range.end, partEnd) - partStart });
  }
  return out;
}

/**
 * Plaintext of an object (or a range of it) from its manifest: each overlapping blob is fetched
 * in turn, so memory stays bounded whatever the object size. An error in any blob breaks the
 * stream, never splices wrong bytes.
 */
export function streamObject(opts: {
  blob: BlobClient;
  orgId: OrgId;
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
      const src = await opts.blob.get(opts.orgId, part, whole ? undefined : { start: from, end: to }, opts.requestId);
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
