import { Readable } from 'node:stream';
import { runBlobBackendConformance } from './conformance';
import { MemoryBackend } from './memory';

runBlobBackendConformance('memory', async () => new MemoryBackend());

describe('MemoryBackend specifics', () => {
  it('copies bytes in and out so callers cannot mutate stored blobs', async () => {
    const backend = new MemoryBackend();
    const data = Buffer.from('hello');
    await backend.put({ id: 'o/d/x', body: Readable.from([data]) });
    data.fill(0);
    const stream = await backend.get({ id: 'o/d/x' });
    const parts: Buffer[] = [];
    for await (const c of stream) parts.push(c as Buffer);
    parts[0]!.fill(0);
    const again: Buffer[] = [];
    for await (const c of await backend.get({ id: 'o/d/x' })) again.push(c as Buffer);
    expect(Buffer.concat(again).toString()).toBe('hello');
  });
});
