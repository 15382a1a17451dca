import v8 from 'node:v8';

/** The V8 flag, and the first Node major whose V8 has it (Node 22's V8 12.4 does not). */
const EXTERNAL_MEMORY_IN_GLOBAL_LIMIT = '--external-memory-accounted-in-global-limit';
const FIRST_NODE_WITH_FLAG = 24;

/**
 * Counts Buffer memory (socket reads, cipher output: memory outside the JS heap) inside V8's
 * adaptive global heap limit instead of against its fixed external-memory trigger. With the fixed
 * trigger, a service relaying 1 MiB objects ran a full mark-compact about every 150 ms on a 16 MiB
 * heap, because every MiB moved allocates a MiB of short-lived Buffers. Measured on Node 24, c8,
 * CPU per 1 MiB PUT / GET: gateway 2.7 → 1.6 / 2.0 → 1.2 ms, blob 6.2–7.3 → 4.4–5.6 / 2.5 → 1.7 ms.
 * The heap limits still bound the memory; only how often V8 collects changes.
 *
 * Call it first thing in a service process. On an older Node the flag is unknown (V8 would print an
 * error), so it is not set there. Returns whether it was set.
 */
export function tuneGarbageCollector(nodeVersion: string = process.versions.node): boolean {
  if (Number(nodeVersion.split('.')[0]) < FIRST_NODE_WITH_FLAG) return false;
  v8.setFlagsFromString(EXTERNAL_MEMORY_IN_GLOBAL_LIMIT);
  return true;
}

/**
 * Node flags every service process starts with (the image's entrypoint, local mode's children, the
 * bench's stack; V8 reads them only at start, and NODE_OPTIONS refuses them).
 *
 * `--initial-old-space-size=64`: V8 sizes its next full-collection trigger from the live heap,
 * about 20 MiB here, so Buffers that outlive a scavenge (a request's socket reads and cipher output
 * while it waits on the network) hit the trigger after a few MiB: the blob service ran ~20 full
 * mark-compacts a second moving 1 MiB objects. A 64 MiB floor stopped them; A/B on Node 24, c8,
 * three rounds each, CPU per 1 MiB PUT blob 3.7–4.1 → 2.9–3.6 ms, gateway 1.3–1.4 → 1.2 ms;
 * GET blob 1.7–2.2 → 1.5–1.6 ms.
 *
 * `--max-old-space-size=160`: with Buffer memory counted in V8's global limit (tuneGarbageCollector)
 * that limit grows with the heap's maximum, so dead Buffers piled up: blob 409 MiB and gateway
 * 371 MiB RSS moving 64 MiB objects at c32, over issue 5's 300 MiB. A 160 MiB heap bounds it: blob
 * 265 MiB, gateway 194 MiB, and throughput no lower (1 MiB GET c8 665 → 797 ops/s in that A/B).
 * The largest heap we keep on purpose is the blob pack index, at most ~85 MiB (500k entries).
 *
 * `--max-semi-space-size=16`: V8's default lets each semi-space grow to 32 MiB when many young
 * objects survive a scavenge, and the young generation then stays committed. The blob service's
 * RSS rose 135 → 247 MiB serving 4 KiB GETs at c8 (through a stream per request then) and never
 * came back, so whole bench runs started their 64 MiB c32 cells that much higher (314 MiB, over
 * issue 5's 300). 8 MiB cost CPU where bodies wait across scavenges (1 MiB PUT c8, three pairs:
 * gateway 3.9–4.7 → 5.0–5.2 ms, blob 6.6–6.9 → 7.0–7.4 ms); 16 MiB measured as 32 there (two
 * pairs: gateway 3.9–4.0 vs 3.5–4.1 ms, blob 5.9–6.0 vs 6.0–6.2 ms) and halves the ceiling.
 */
export const SERVICE_NODE_FLAGS: readonly string[] = ['--initial-old-space-size=64', '--max-old-space-size=160', '--max-semi-space-size=16'];
