import { Readable } from 'node:stream';
import { BlobNotFoundError } from './backend';
import { runBlobBackendConformance } from './conformance';
import { instrumented, type BlobBackendMetrics } from './instrumented';
import { MemoryBackend } from './memory';

type Observation = { op: string; backend: string; seconds: number; ok: boolean };

function recorder(): BlobBackendMetrics & { seen: Observation[] } {
  const seen: Observation[] = [];
  return { seen, observe: (op, backend, seconds, ok) => seen.push({ op, backend, seconds, ok }) };
}

// The decorator must not change behaviour: it passes the same suite as what it wraps.
runBlobBackendConformance('instrumented(memory)', async () => instrumented(new MemoryBackend(), recorder()));

describe('instrumented', () => {
  it('records every operation with its backend name, duration and outcome', async () => {
    const metrics = recorder();
    const b = instrumented(new MemoryBackend(), metrics);
    expect(b.name).toBe('memory');
    await b.put({ id: 'o/d/x', body: Readable.from([Buffer.from('hi')]) });
    await b.get({ id: 'o/d/x' });
    await expect(b.get({ id: 'o/d/missing' })).rejects.toBeInstanceOf(BlobNotFoundError);
    await b.head({ id: 'o/d/x' });
    await b.delete({ id: 'o/d/x' });
    await b.check();
    for await (const _ of b.list({})) void _;
    expect(metrics.seen.map(({ op, ok }) => [op, ok])).toEqual([
      ['put', true], ['get', true], ['get', false], ['head', true], ['delete', true], ['check', true], ['list', true],
    ]);
    for (const o of metrics.seen) {
      expect(o.backend).toBe('memory');
      expect(o.seconds).toBeGreaterThanOrEqual(0);
      expect(o.seconds).toBeLessThan(5);
    }
  });

  it('does not count a missing blob as an error when the read was a guess (mayBeMissing), but any other failure', async () => {
    const metrics = recorder();
    const b = instrumented(new MemoryBackend(), metrics);
    await expect(b.get({ id: 'o/d/missing', mayBeMissing: true })).rejects.toBeInstanceOf(BlobNotFoundError);
    expect(metrics.seen).toEqual([]);
    await expect(b.get({ id: '../bad', mayBeMissing: true })).rejects.toThrow();
    await expect(b.get({ id: 'o/d/missing' })).rejects.toBeInstanceOf(BlobNotFoundError);
    expect(metrics.seen.map(({ op, ok }) => [op, ok])).toEqual([['get', false], ['get', false]]);
  });

  it('records a list once, also when the consumer stops early or it fails', async () => {
    const metrics = recorder();
    const b = instrumented(new MemoryBackend(), metrics);
    for (const id of ['o/d/a', 'o/d/b']) await b.put({ id, body: Readable.from([Buffer.from(id)]) });
    metrics.seen.length = 0;
    for await (const _ of b.list({})) break;
    await expect((async () => { for await (const _ of b.list({ prefix: '../' })) void _; })()).rejects.toThrow();
    expect(metrics.seen.map(({ op, ok }) => [op, ok])).toEqual([['list', true], ['list', false]]);
  });

  it('forwards getSmall only where the backend has it, and counts it as a get only when it answered', async () => {
    expect(instrumented(new MemoryBackend(), recorder()).getSmall).toBeUndefined();
    const metrics = recorder();
    const packed = Object.assign(new MemoryBackend(), {
      getSmall: async ({ id }: { id: string }) => {
        if (id === 'o/d/broken') throw new Error('segment unreadable');
        return id === 'o/d/packed' ? Buffer.from('bytes') : undefined;
      },
    });
    const b = instrumented(packed, metrics);
    expect((await b.getSmall!({ id: 'o/d/packed' }))?.toString()).toBe('bytes');
    expect(await b.getSmall!({ id: 'o/d/in-a-file' })).toBeUndefined();
    await expect(b.getSmall!({ id: 'o/d/broken' })).rejects.toThrow('segment unreadable');
    expect(metrics.seen.map(({ op, ok }) => [op, ok])).toEqual([['get', true], ['get', false]]);
  });

  it('a throwing metrics sink never fails the operation', async () => {
    const b = instrumented(new MemoryBackend(), { observe: () => { throw new Error('sink down'); } });
    await expect(b.put({ id: 'o/d/x', body: Readable.from([Buffer.from('hi')]) })).resolves.toEqual({ size: 2 });
  });
});
