import { open } from 'node:fs/promises';
import { KIND_PUT } from './pack-record';
import { scanSegment } from './pack-scan';
import type { PackStore } from './pack-store';

export type CompactionStep = 'copied-chunk' | 'copied' | 'retired';

export interface CompactionOptions {
  /** Segments whose dead bytes are at least this fraction of their size are rewritten. */
  minDeadFraction: number;
  /** Called between the steps; tests throw from it to stop where a crash would. */
  step?: (step: CompactionStep, segment: number) => void | Promise<void>;
  /** Live records are copied (and synced) this many bytes at a time, so a segment never sits in memory at once. */
  copyChunkBytes?: number;
}

export interface CompactionResult {
  segments: number;
  /** Bytes of the removed segment files. */
  removedBytes: number;
  /** Bytes of live records copied into the active segment. */
  copiedBytes: number;
}

const COPY_CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * Rewrites segments that are mostly dead. For each: live records (and tombstones that still hide an
 * older put) are appended to the active segment and made durable, then the old file is unlinked
 * and the unlink made durable. A crash at any point leaves the old segment, or both: the startup
 * replay takes the newer copy (a higher segment number), and every tombstone that hides a record
 * of the old segment is still on disk until the old segment is gone.
 */
export async function compactPack(store: PackStore, opts: CompactionOptions): Promise<CompactionResult> {
  await store.ready();
  const result: CompactionResult = { segments: 0, removedBytes: 0, copiedBytes: 0 };
  const candidates = store
    .stats()
    .filter((s) => s.segment !== store.activeSegment && (s.totalBytes === 0 || (s.totalBytes - s.liveBytes) / s.totalBytes >= opts.minDeadFraction))
    .map((s) => s.segment);
  for (const segment of candidates) {
    if (!store.segments.has(segment) || segment === store.activeSegment) continue;
    result.copiedBytes += await copyLive(store, segment, opts);
    await opts.step?.('copied', segment);
    const size = store.segments.get(segment)!.totalBytes;
    await store.retire(segment);
    result.segments += 1;
    result.removedBytes += size;
    await opts.step?.('retired', segment);
  }
  return result;
}

async function copyLive(store: PackStore, segment: number, { step, copyChunkBytes = COPY_CHUNK_BYTES }: CompactionOptions): Promise<number> {
  const fh = await open(store.segmentPath(segment), 'r');
  let copied = 0;
  try {
    let pending: Promise<boolean>[] = [];
    let pendingBytes = 0;
    const settle = async (): Promise<void> => {
      await Promise.all(pending);
      pending = [];
      pendingBytes = 0;
    };
    for await (const { offset, header, id, bytes } of scanSegment(fh, (await fh.stat()).size)) {
      // Checked again when the copy's batch forms: a delete or overwrite queued before it wins.
      const stillWanted =
        header.kind === KIND_PUT
          ? (touched: Set<string>) => !touched.has(id) && store.index.isAt(id, segment, offset)
          : (touched: Set<string>) => {
              const t = store.tombstones.get(id);
              return !touched.has(id) && t?.segment === segment && store.tombstoneNeeded(t);
            };
      if (!stillWanted(new Set())) continue;
      copied += bytes.length;
      pending.push(store.append(id, Buffer.from(bytes), stillWanted));
      pendingBytes += bytes.length;
      if (pendingBytes >= copyChunkBytes) {
        await settle();
        await step?.('copied-chunk', segment);
      }
    }
    await settle();
  } finally {
    await fh.close();
  }
  return copied;
}
