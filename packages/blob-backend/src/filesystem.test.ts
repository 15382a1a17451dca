import { Readable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { readdir, utimes, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { runBlobBackendConformance } from './conformance';
import { FilesystemBackend } from './filesystem';
import { tempRoots } from './test-roots';

const freshRoot = tempRoots('excloud-fs-backend-');

runBlobBackendConformance('fs', async () => new FilesystemBackend({ root: await freshRoot() }));
runBlobBackendConformance('fs (fsync off)', async () => new FilesystemBackend({ root: await freshRoot(), fsync: false }));

describe('FilesystemBackend specifics', () => {
  it('lays blobs out as <root>/blobs/<id> and leaves no temp file behind', async () => {
    const root = await freshRoot();
    const fs = new FilesystemBackend({ root });
    await fs.put({ id: 'org1/20250101/abc', body: Readable.from([randomBytes(10)]) });
    expect(await readdir(join(root, 'blobs', 'org1', '20250101'))).toEqual(['abc']);
    expect(await readdir(join(root, '.tmp'))).toEqual([]);
  });

  it('removes the temp file when the body fails', async () => {
    const root = await freshRoot();
    const fs = new FilesystemBackend({ root });
    async function* body(): AsyncGenerator<Buffer> {
      yield randomBytes(300_000);
      throw new Error('aborted');
    }
    await expect(fs.put({ id: 'org1/20250101/x', body: body() })).rejects.toThrow('aborted');
    expect(await readdir(join(root, '.tmp'))).toEqual([]);
  });

  it('rejects a put whose id collides with a directory, and cleans up', async () => {
    const root = await freshRoot();
    const fs = new FilesystemBackend({ root });
    await fs.put({ id: 'a/b', body: Readable.from([Buffer.from('x')]) });
    await expect(fs.put({ id: 'a', body: Readable.from([Buffer.from('y')]) })).rejects.toThrow();
    await expect(fs.put({ id: 'a/b/c', body: Readable.from([Buffer.from('y')]) })).rejects.toThrow();
    expect(await readdir(join(root, '.tmp'))).toEqual([]);
    expect((await fs.head({ id: 'a/b' }))?.size).toBe(1);
  });

  it('sweepTemp removes only stale temp files', async () => {
    const root = await freshRoot();
    const fs = new FilesystemBackend({ root });
    await fs.check(); // creates the directories
    const stale = join(root, '.tmp', 'put-stale');
    const fresh = join(root, '.tmp', 'put-fresh');
    await writeFile(stale, 'partial');
    await writeFile(fresh, 'in flight');
    const hourAgo = new Date(Date.now() - 3600_000);
    await utimes(stale, hourAgo, hourAgo);
    await expect(fs.sweepTemp({ olderThanMs: 600_000 })).resolves.toEqual({ removed: 1 });
    expect(await readdir(join(root, '.tmp'))).toEqual(['put-fresh']);
  });

  it('sweepTemp on a root that was never used removes nothing', async () => {
    const fs = new FilesystemBackend({ root: join(await freshRoot(), 'unused') });
    await expect(fs.sweepTemp({ olderThanMs: 0 })).resolves.toEqual({ removed: 0 });
  });

  it('list skips stray entries that no valid id could name', async () => {
    const root = await freshRoot();
    const fs = new FilesystemBackend({ root });
    await fs.put({ id: 'o/d/ok', body: Readable.from([Buffer.from('1')]) });
    await writeFile(join(root, 'blobs', 'o', 'd', 'stray.txt'), 'x');
    await mkdir(join(root, 'blobs', '.hidden'));
    await writeFile(join(root, 'blobs', '.hidden', 'x'), 'x');
    const ids: string[] = [];
    for await (const e of fs.list({})) ids.push(e.id);
    expect(ids).toEqual(['o/d/ok']);
  });

  it('check fails when the root is unusable', async () => {
    const file = join(await freshRoot(), 'a-file');
    await writeFile(file, 'x');
    await expect(new FilesystemBackend({ root: join(file, 'below') }).check()).rejects.toThrow();
  });

  it('a returned stream keeps reading after the blob is deleted', async () => {
    const fs = new FilesystemBackend({ root: await freshRoot() });
    const data = randomBytes(200_000);
    await fs.put({ id: 'o/d/x', body: Readable.from([data]) });
    const stream = await fs.get({ id: 'o/d/x' });
    await fs.delete({ id: 'o/d/x' });
    const parts: Buffer[] = [];
    for await (const c of stream) parts.push(c as Buffer);
    expect(Buffer.concat(parts).equals(data)).toBe(true);
  });
});
