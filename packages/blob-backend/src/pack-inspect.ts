import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { crcMatches, HEADER_BYTES, KIND_PUT, parseHeader, recordBytes } from './pack-record';
import { scanSegment } from './pack-scan';

const SEGMENT_NAME = /^seg-[0-9a-f]{8}\.pack$/;

/**
 * The ids a filesystem backend root holds in pack segments, read from disk without taking the
 * writer's lock: for tests and operators that look at a root the blob service is using. Replays
 * the segments as the store does at open (newest record wins); a tail being written is skipped.
 */
export async function readPackedIds(root: string): Promise<string[]> {
  const dir = join(root, 'pack');
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => SEGMENT_NAME.test(n)).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const live = new Set<string>();
  for (const name of names) {
    let fh;
    try {
      fh = await open(join(dir, name), 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue; // compacted away meanwhile
      throw err;
    }
    try {
      for await (const r of scanSegment(fh, (await fh.stat()).size)) {
        if (r.header.kind === KIND_PUT) live.add(r.id);
        else live.delete(r.id);
      }
    } finally {
      await fh.close();
    }
  }
  return [...live].sort();
}

/** readPackedIds for synchronous callers (test helpers that count blobs on disk); reads each segment whole. */
export function readPackedIdsSync(root: string): string[] {
  const dir = join(root, 'pack');
  if (!existsSync(dir)) return [];
  const live = new Set<string>();
  for (const name of readdirSync(dir).filter((n) => SEGMENT_NAME.test(n)).sort()) {
    let buf: Buffer;
    try {
      buf = readFileSync(join(dir, name));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    for (let at = 0; ; ) {
      const header = parseHeader(buf, at);
      const end = header ? at + recordBytes(header.idLength, header.dataLength) : 0;
      if (!header || end > buf.length || !crcMatches(buf.subarray(at, end), header)) break;
      const id = buf.toString('latin1', at + HEADER_BYTES, at + HEADER_BYTES + header.idLength);
      if (header.kind === KIND_PUT) live.add(id);
      else live.delete(id);
      at = end;
    }
  }
  return [...live].sort();
}
