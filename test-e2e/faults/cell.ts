import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { Topology } from '../support/topology';
import { Ledger, sha256 } from './ledger';
import { Load, summariseErrors, errorLabel, stall } from './load';
import { sleep } from './infra';
import { verifyAfterFault, type BackendView } from './verify';
import { RECLAIM_GRACE_MS } from './stacks';

const MiB = 1024 * 1024;

/** One stack under test: the topology, a client, the load on it and what it acknowledged. */
export interface Stack {
  t: Topology;
  client: S3Client;
  bucket: string;
  ledger: Ledger;
  load: Load;
  view: BackendView;
}

export interface CellResult {
  id: string;
  fault: string;
  during: string;
  requests: number;
  failed: number;
  errors: string[];
  /** From the end of the fault to the first PUT+GET that succeeded again. */
  recoveredMs?: number;
  keysChecked: number;
  lost: string[];
  half: string[];
  reclaimed: { uploadsExpired: number; outboxDeleted: number; orphansRemoved: number };
  leftovers: string[];
  missingBlobs: string[];
  notes: string[];
  /** What broke besides data: no recovery, a failed cell check, an error in the harness. */
  problems: string[];
  pass: boolean;
  seconds: number;
}

export interface CellSpec {
  id: string;
  fault: string;
  during: string;
  /** Injects the fault while the load runs and restores the service; notes go into the report. */
  inject(s: Stack, notes: string[]): Promise<void>;
  /** Extra failures of the cell's own (e.g. "janitor stayed ready with Redis down"). */
  check?: (s: Stack, notes: string[]) => Promise<string[]>;
}

/** Runs one cell: load, fault, recovery, then the janitor and a full read-back. */
export async function runCell(s: Stack, spec: CellSpec, log: (line: string) => void): Promise<CellResult> {
  const started = Date.now();
  const lostBefore = s.ledger.lostOrAltered.length;
  const halfBefore = s.ledger.halfVisible.length;
  const notes: string[] = [];
  const problems: string[] = [];
  s.load.recorder.drain();
  s.load.start();
  await sleep(1_000);
  let recoveredMs: number | undefined;
  try {
    await spec.inject(s, notes);
    recoveredMs = await recoveryTime(s);
    await sleep(1_000); // the load goes on after recovery, so post-fault requests are in the sample
  } catch (err) {
    // The fault could not be injected or undone, or the stack did not serve a PUT+GET within 60 s.
    problems.push(err instanceof Error ? err.message : String(err));
  } finally {
    await s.load.stop();
  }
  if (spec.check) problems.push(...(await spec.check(s, notes).catch((err) => [`check: ${String(err)}`])));
  const samples = s.load.recorder.drain();
  const v = await verifyAfterFault(s.t, s.client, s.bucket, s.ledger, s.view, RECLAIM_GRACE_MS);
  const lost = s.ledger.lostOrAltered.slice(lostBefore);
  const half = s.ledger.halfVisible.slice(halfBefore);
  const harness = samples.filter((x) => x.op === 'harness').map((x) => x.error!);
  const result: CellResult = {
    id: spec.id,
    fault: spec.fault,
    during: spec.during,
    requests: samples.length,
    failed: samples.filter((x) => x.error).length,
    errors: summariseErrors(samples.filter((x) => x.op !== 'harness')),
    recoveredMs,
    keysChecked: v.keysChecked,
    lost,
    half,
    reclaimed: v.reclaimed,
    leftovers: v.leftovers,
    missingBlobs: v.missingBlobs,
    notes,
    problems: [...problems, ...harness.map((h) => `harness: ${h}`)],
    pass: lost.length === 0 && half.length === 0 && v.leftovers.length === 0 && v.missingBlobs.length === 0 && problems.length === 0 && harness.length === 0,
    seconds: Math.round((Date.now() - started) / 1000),
  };
  log(`${result.pass ? 'PASS' : 'FAIL'} ${spec.id} (${result.seconds}s): ${result.failed}/${result.requests} failed; ${[...result.problems, ...lost, ...half, ...v.leftovers, ...v.missingBlobs, ...notes].slice(0, 4).join('; ')}`);
  return result;
}

async function recoveryTime(s: Stack): Promise<number> {
  const from = Date.now();
  const body = randomBytes(1000);
  const Key = `recovery/${randomBytes(6).toString('hex')}`;
  for (;;) {
    try {
      s.ledger.begin(Key, sha256(body));
      await s.client.send(new PutObjectCommand({ Bucket: s.bucket, Key, Body: body }));
      s.ledger.ack(Key, sha256(body));
      const o = await s.client.send(new GetObjectCommand({ Bucket: s.bucket, Key }));
      s.ledger.observe(Key, sha256(Buffer.from(await o.Body!.transformToByteArray())), 'recovery probe');
      return Date.now() - from;
    } catch {
      if (Date.now() - from > 60_000) throw new Error('no successful PUT+GET within 60 s');
      await sleep(100);
    }
  }
}

/**
 * A body sent slowly (about `ms` in all), so a request is certainly in flight when the fault
 * hits; `halfway` resolves once half of it has been handed to the socket.
 */
export function slowBody(data: Buffer, ms: number): { body: Readable; halfway: Promise<void> } {
  const chunk = 64 * 1024;
  const pause = ms / Math.ceil(data.length / chunk);
  let off = 0;
  let signal!: () => void;
  const halfway = new Promise<void>((r) => (signal = r));
  const body = new Readable({
    read() {
      if (off >= data.length) return void this.push(null);
      setTimeout(() => {
        const c = data.subarray(off, off + chunk);
        off += c.length;
        if (off >= data.length / 2) signal();
        this.push(c);
      }, pause);
    },
  });
  return { body, halfway };
}

/** In-flight operations of one kind; the fault is injected once they are under way. */
export interface Probes {
  underway: Promise<void>;
  done: Promise<string[]>;
}

/** Three slow PUTs of 4 MiB. */
export function putProbes(s: Stack): Probes {
  const runs = Array.from({ length: 3 }, (_, i) => {
    const data = randomBytes(4 * MiB);
    const Key = `probe/put-${Date.now()}-${i}`;
    const { body, halfway } = slowBody(data, 1_500);
    s.ledger.begin(Key, sha256(data));
    const done = s.client.send(new PutObjectCommand({ Bucket: s.bucket, Key, Body: body, ContentLength: data.length }), stall()).then(
      () => (s.ledger.ack(Key, sha256(data)), 'PutObject ok'),
      (err) => `PutObject ${errorLabel(err)}`,
    );
    return { halfway, done };
  });
  return { underway: Promise.race(runs.map((r) => r.halfway)), done: Promise.all(runs.map((r) => r.done)) };
}

/** Three slow 5 MiB UploadParts into one upload, completed afterwards if every part made it. */
export function partProbes(s: Stack): Probes {
  const Key = `probe/mpu-${Date.now()}`;
  let underway!: () => void;
  const started = new Promise<void>((r) => (underway = r));
  const done = (async () => {
    const { UploadId } = await s.client.send(new CreateMultipartUploadCommand({ Bucket: s.bucket, Key }));
    const parts = Array.from({ length: 3 }, () => randomBytes(5 * MiB));
    const sends = parts.map((data, i) => {
      const { body, halfway } = slowBody(data, 1_500);
      void halfway.then(underway);
      return s.client.send(new UploadPartCommand({ Bucket: s.bucket, Key, UploadId, PartNumber: i + 1, Body: body, ContentLength: data.length }), stall()).then(
        (r) => ({ ok: true as const, etag: r.ETag!, label: 'UploadPart ok' }),
        (err) => ({ ok: false as const, etag: '', label: `UploadPart ${errorLabel(err)}` }),
      );
    });
    const outcomes = await Promise.all(sends);
    if (outcomes.every((o) => o.ok)) {
      const hash = sha256(Buffer.concat(parts));
      s.ledger.begin(Key, hash);
      const Parts = outcomes.map((o, i) => ({ ETag: o.etag, PartNumber: i + 1 }));
      const label = await completeWithRetry(s, Key, UploadId!, Parts);
      if (label === 'ok') s.ledger.ack(Key, hash);
      outcomes.push({ ok: true, etag: '', label: `Complete ${label}` });
    }
    // Otherwise the upload is left open, as a crashed client leaves it: the janitor's expiry reclaims it.
    return outcomes.map((o) => o.label);
  })();
  return { underway: Promise.race([started, done.then(() => undefined)]), done };
}

async function completeWithRetry(s: Stack, Key: string, UploadId: string, Parts: { ETag: string; PartNumber: number }[]): Promise<string> {
  let label = '';
  for (let i = 0; i < 40; i++) {
    try {
      await s.client.send(new CompleteMultipartUploadCommand({ Bucket: s.bucket, Key, UploadId, MultipartUpload: { Parts } }), stall());
      return 'ok';
    } catch (err) {
      label = errorLabel(err);
      await sleep(250);
    }
  }
  return label;
}

/** Four uploads with their parts in place, then four Completes at once. */
export async function completeProbes(s: Stack): Promise<Probes> {
  const uploads = await Promise.all(
    Array.from({ length: 4 }, async (_, i) => {
      const Key = `probe/complete-${Date.now()}-${i}`;
      const parts = [randomBytes(5 * MiB), randomBytes(1000)];
      const { UploadId } = await s.client.send(new CreateMultipartUploadCommand({ Bucket: s.bucket, Key }));
      const Parts = [];
      for (const [n, Body] of parts.entries()) {
        const r = await s.client.send(new UploadPartCommand({ Bucket: s.bucket, Key, UploadId, PartNumber: n + 1, Body }));
        Parts.push({ ETag: r.ETag!, PartNumber: n + 1 });
      }
      return { Key, UploadId: UploadId!, Parts, hash: sha256(Buffer.concat(parts)) };
    }),
  );
  const done = Promise.all(
    uploads.map((u) => {
      s.ledger.begin(u.Key, u.hash);
      return s.client.send(new CompleteMultipartUploadCommand({ Bucket: s.bucket, Key: u.Key, UploadId: u.UploadId, MultipartUpload: { Parts: u.Parts } }), stall()).then(
        () => (s.ledger.ack(u.Key, u.hash), 'Complete ok'),
        (err) => `Complete ${errorLabel(err)}`,
      );
    }),
  );
  // Completes take milliseconds: strike a few ms after they are sent, while they are in flight.
  return { underway: sleep(3), done };
}

/** kill -9 one service while probes of one kind are in flight, keep it down a second, restart it. */
export function killCell(service: Parameters<Topology['kill']>[0], during: 'PUT' | 'multipart' | 'Complete'): CellSpec {
  return {
    id: `kill-${service}-${during.toLowerCase()}`,
    fault: `kill -9 ${service}`,
    during: during === 'multipart' ? 'UploadPart' : during === 'Complete' ? 'CompleteMultipartUpload' : 'PutObject',
    async inject(s, notes) {
      const probes = during === 'PUT' ? putProbes(s) : during === 'multipart' ? partProbes(s) : await completeProbes(s);
      await probes.underway;
      await s.t.kill(service);
      await sleep(1_000);
      await s.t.startService(service);
      notes.push(`in flight: ${tally(await probes.done)}`);
    },
  };
}

export function tally(labels: string[]): string {
  const counts = new Map<string, number>();
  for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  return [...counts.entries()].map(([l, n]) => (n > 1 ? `${l} ×${n}` : l)).join(', ');
}
