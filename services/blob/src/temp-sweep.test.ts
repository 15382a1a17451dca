import { mkdirSync, mkdtempSync, existsSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '@excloud/service-kit';
import { startTempSweeper } from './temp-sweep';

const logger = createLogger({ service: 'blob' }, { level: 'error' });

async function until(ok: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('temp file sweeper', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'blob-sweep-'));
    mkdirSync(path.join(root, '.tmp'));
    mkdirSync(path.join(root, 'blobs'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('removes temp files older than the grace period and keeps fresh ones and blobs', async () => {
    const stale = path.join(root, '.tmp', 'put-crashed');
    const fresh = path.join(root, '.tmp', 'put-in-flight');
    const blob = path.join(root, 'blobs', 'org-blob');
    for (const f of [stale, fresh, blob]) writeFileSync(f, 'x');
    const old = new Date(Date.now() - 120_000);
    utimesSync(stale, old, old);
    utimesSync(blob, old, old);
    const sweeper = startTempSweeper({ backend: 'fs', fsRoot: root, fsync: false, tempGraceSeconds: 60 }, logger);
    try {
      await until(() => !existsSync(stale), 5_000);
      expect(existsSync(fresh)).toBe(true);
      expect(existsSync(blob)).toBe(true);
    } finally {
      sweeper.stop();
    }
  });
});
