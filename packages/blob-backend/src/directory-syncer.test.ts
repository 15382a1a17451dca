import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DirectorySyncer } from './filesystem';

describe('DirectorySyncer', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dirsync-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('lets concurrent callers share fsyncs, each answered by one that started after it asked', async () => {
    const syncer = new DirectorySyncer();
    const first = syncer.sync(dir);
    // These ask while the first runs: they must wait for a second fsync, and share it.
    const waiting = Array.from({ length: 20 }, () => syncer.sync(dir));
    await Promise.all([first, ...waiting]);
    expect(syncer.fsyncs).toBe(2);
    await syncer.sync(dir);
    expect(syncer.fsyncs).toBe(3);
  });

  it('keeps directories apart and reports a failed fsync to its callers', async () => {
    const syncer = new DirectorySyncer();
    await expect(Promise.all([syncer.sync(dir), syncer.sync(join(dir, 'missing'))])).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(syncer.sync(join(dir, 'missing'))).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(syncer.sync(dir)).resolves.toBeUndefined();
  });
});
