import { open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { KIND_PUT } from './pack-record';
import { scanSegment } from './pack-scan';

/**
 * The ids a filesystem backend root holds in pack segments, read from disk without taking the
 * writer's lock: for tests and operators that look at a root the blob service is using. Replays
 * the segments as the store does at open (newest record wins); a tail being written is skipped.
 */
export async function readPackedIds(root: string): Promise<string[]> {
  const dir = join(root, 'pack');
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => /^seg-[0-9a-f]{8}\.pack$/.test(n)).sort();
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
