import { randomBytes } from 'node:crypto';
import { appendFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { readPackedIds, readSegmentTailsSync } from '@excloud/blob-backend';
import type { CellSpec, Stack } from './cell';
import { sleep, until } from './infra';

const KiB = 1024;
/** Small segments so that the cells' few MiB of writes roll segments and give compaction work. */
export const PACK_FAULT_BLOB_ENV = { BLOB_FS_PACK_SEGMENT_BYTES: String(2 * 1024 * KiB) };

const smallBody = () => randomBytes(KiB + Math.floor(Math.random() * 63 * KiB));

/** `workers` loops of small PUTs (1–64 KiB, packed) to fresh keys until `stop` is set; returns how many were acknowledged. */
function smallPutBurst(s: Stack, prefix: string, workers: number): { acked: () => number; stop: () => Promise<string[]> } {
  let stopped = false;
  const keys: string[] = [];
  const loops = Array.from({ length: workers }, async (_, w) => {
    for (let i = 0; !stopped; i++) {
      if (await s.load.put(`${prefix}${w}-${i}`, smallBody())) keys.push(`${prefix}${w}-${i}`);
      else await sleep(50); // blob is down: count the failure, do not spin
    }
  });
  return {
    acked: () => keys.length,
    stop: async () => {
      stopped = true;
      await Promise.all(loops);
      return keys;
    },
  };
}

/**
 * A torn batch, as a crash between the writes of one group commit would leave it: the start of
 * a copy of the segment's first record (its header promises more bytes than follow).
 */
function tearTail(root: string): string | undefined {
  const last = readSegmentTailsSync(root).at(-1);
  if (!last) return undefined;
  const file = path.join(root, 'pack', last.name);
  appendFileSync(file, readFileSync(file).subarray(0, 48));
  return last.name;
}

/** The blob service opens its pack (scan, tail cut, lock) by its readiness check or first request; /healthz alone does not. */
async function blobReady(s: Stack): Promise<void> {
  await until('blob /readyz', async () => (await fetch(`http://127.0.0.1:${s.t.ports.blob}/readyz`).then((r) => r.status, () => 0)) === 200, 30_000);
}

/** A failure line when any of the `deleted` blob ids is live in the pack again. */
async function backInPack(s: Stack, deleted: string[], when: string): Promise<string[]> {
  const live = new Set(await readPackedIds(s.t.blobRoot));
  const back = deleted.filter((id) => live.has(id));
  return back.length > 0 ? [`${when}: ${back.length} deleted blobs back in the pack, e.g. ${back[0]}`] : [];
}

/** Segments whose bytes do not end on a whole record: a torn tail the startup scan left. */
function tornTails(root: string): string[] {
  return readSegmentTailsSync(root)
    .filter((t) => t.validEnd !== t.size)
    .map((t) => `${t.name}: ${t.size - t.validEnd} bytes past the last whole record`);
}

/**
 * kill -9 blob while 12 clients PUT small objects (each group commit batches several), tear the
 * active segment's tail while it is down, restart: acknowledged objects must read back, the torn
 * tail must be gone, and later PUTs must append after the last whole record.
 */
export function packGroupCommitCell(): CellSpec {
  const failures: string[] = [];
  return {
    id: 'pack-kill-blob-group-commit',
    fault: 'kill -9 blob mid group commit, then a torn tail appended to the active segment',
    during: '12 concurrent small PutObjects (1–64 KiB, packed)',
    async inject(s, notes) {
      failures.length = 0;
      const burst = smallPutBurst(s, `pack-gc/${Date.now()}-`, 12);
      while (burst.acked() < 60) await sleep(20);
      await s.t.kill('blob');
      const ackedAtKill = burst.acked();
      const torn = tearTail(s.t.blobRoot);
      // The PUTs in flight fail while blob is down. None may run when the tails are read after the
      // restart: a batch being appended then would look like a torn tail.
      await burst.stop();
      await sleep(500);
      await s.t.startService('blob');
      await blobReady(s);
      const left = tornTails(s.t.blobRoot);
      if (!torn) failures.push('no pack segment on disk: the PUTs were not packed');
      if (left.length > 0) failures.push(`torn tail not cut at startup: ${left.join('; ')}`);
      // PUTs after the restart append behind the cut (the check reads the tails again at the end).
      const after = smallPutBurst(s, `pack-gc/${Date.now()}-after-`, 12);
      await sleep(1_500);
      const later = (await after.stop()).length;
      if (later === 0) failures.push('no small PUT was acknowledged after the restart');
      notes.push(`small PUTs acknowledged: ${ackedAtKill} before the kill, ${later} after the restart; tail torn in ${torn ?? '-'}, cut at startup: ${left.length === 0 ? 'yes' : 'no'}`);
    },
    check: async (s) => [...failures, ...tornTails(s.t.blobRoot).map((t) => `torn tail after the run: ${t}`)],
  };
}

/**
 * Most of a few segments deleted (the janitor drains the outbox, so their records die), then the
 * janitor's packCompaction job started and the blob service killed after a random delay, `rounds`
 * times. While it is down and after the restart, no blob deleted before the compaction may be
 * back in the pack; the ledger then checks the deleted keys still read as absent.
 */
export function packCompactionCell(rounds = 3): CellSpec {
  const failures: string[] = [];
  return {
    id: 'pack-kill-blob-compaction',
    fault: `kill -9 blob at a random point of pack compaction (${rounds} rounds)`,
    during: 'packCompaction job after deleting ~90 % of 2 MiB segments, under load',
    async inject(s, notes) {
      failures.length = 0;
      const allDeleted: string[] = [];
      for (let round = 1; round <= rounds; round++) {
        const prefix = `pack-compact/${Date.now()}-${round}-`;
        const burst = smallPutBurst(s, prefix, 8);
        while (burst.acked() < 200) await sleep(50);
        const keys = await burst.stop();
        const written = keys.length;
        const before = new Set(await readPackedIds(s.t.blobRoot));
        const doomed = keys.filter((_, i) => i % 10 !== 0);
        for (let i = 0; i < doomed.length; i += 8) await Promise.all(doomed.slice(i, i + 8).map((k) => s.load.delete(k)));
        await s.t.runJanitor('outbox');
        const after = new Set(await readPackedIds(s.t.blobRoot));
        const deleted = [...before].filter((id) => !after.has(id));
        allDeleted.push(...deleted);
        const segmentsBefore = readSegmentTailsSync(s.t.blobRoot).length;
        const delayMs = Math.floor(Math.random() * 120);
        const compaction = s.t.runJanitor('packCompaction').then(
          (r) => `finished (${JSON.stringify(r)})`,
          (err: Error) => `cut off (${err.message.slice(0, 60)})`,
        );
        await sleep(delayMs);
        await s.t.kill('blob');
        const segmentsAtKill = readSegmentTailsSync(s.t.blobRoot).length;
        const resurrected = async (when: string) => failures.push(...(await backInPack(s, deleted, `round ${round} ${when}`)));
        await resurrected('while blob was down');
        await sleep(500);
        await s.t.startService('blob');
        await blobReady(s);
        await resurrected('after the restart');
        notes.push(
          `round ${round}: ${written} written, ${doomed.length} deleted (${deleted.length} packed blobs dead), killed ${delayMs} ms into compaction: ${await compaction}; segments ${segmentsBefore} → ${segmentsAtKill} at the kill`,
        );
      }
      // After the crashes, one compaction left to finish must reclaim what the cut-off ones did not.
      const r = await s.t.runJanitor('packCompaction');
      failures.push(...(await backInPack(s, allDeleted, 'after a full compaction')));
      notes.push(`uninterrupted compaction afterwards: ${JSON.stringify(r)}; ${readSegmentTailsSync(s.t.blobRoot).length} segments left`);
    },
    check: async () => failures,
  };
}
