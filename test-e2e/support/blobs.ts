import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { stack } from './stack';

/** Blob files on disk in a local stack: proves a refused write left no bytes behind. */
export function countStoredBlobs(): number | undefined {
  const dir = stack().dataDir;
  if (!dir) return undefined;
  const root = path.join(dir, 'blobs', 'blobs');
  if (!existsSync(root)) return 0;
  let n = 0;
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = path.join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else n += 1;
    }
  };
  walk(root);
  return n;
}
