/**
 * glibc malloc settings every service process starts with (the image's entrypoint, local mode's
 * children, the bench's stack). glibc reads GLIBC_TUNABLES once, before any code runs, so the
 * process that starts a service must put it in the child's environment.
 *
 * Why: every MiB a service moves passes through short-lived Buffers of 64 KiB to 1 MiB (socket
 * reads, cipher output, one per 64 KiB frame). With glibc's defaults the heap shrinks back (trim)
 * as soon as 128 KiB sit free at its top, so the next Buffers land on fresh pages, and a fresh page
 * costs a page fault: about 11 µs of CPU each on the 2-core VMs we measure on, against about
 * 0.1 µs to copy a page. Setting any of these also freezes glibc's adaptive mmap threshold at
 * 128 KiB, hence the explicit one: blocks under 4 MiB come from the heap.
 *
 * Measured with `pnpm bench --only get-1m-c8,put-64m-c32` (production topology), three pairs
 * alternated with and without: GET 1 MiB c8 255–295 → 342–369 ops/s, CPU per GET blob 2.30–2.75
 * → 1.63–1.75 ms and gateway 1.67–1.93 → 1.58–1.62 ms; PUT 64 MiB c32 unchanged (3.69–4.20 vs
 * 3.77–3.99 ops/s). The larger settings tried first (256 MiB trim, 32 MiB pad, 16 MiB mmap) were
 * no faster in single runs and put the blob service at 300 MiB RSS moving 64 MiB objects at c32.
 *
 * What it costs: up to 64 MiB freed at the top of the heap stays with the process, so RSS falls
 * more slowly after a burst. In those pairs the largest RSS at 64 MiB c32 was blob 249–273 vs
 * 253–259 MiB and gateway 239–252 vs 251–253 MiB. In a whole bench run the blob reaches more
 * (309 MiB with these settings, 316 MiB without, against issue 5's 300 MiB): what earlier cells
 * leave behind, not these settings, is what is over.
 */
export const SERVICE_MALLOC_TUNABLES = [
  'glibc.malloc.trim_threshold=67108864',
  'glibc.malloc.top_pad=16777216',
  'glibc.malloc.mmap_threshold=4194304',
].join(':');

/**
 * The environment to start a service process with: `env` plus the malloc tunables, unless the
 * operator set GLIBC_TUNABLES themselves (theirs wins, whole).
 */
export function withServiceMallocTuning<T extends Record<string, string | undefined>>(env: T): T & { GLIBC_TUNABLES: string } {
  return { ...env, GLIBC_TUNABLES: env.GLIBC_TUNABLES || SERVICE_MALLOC_TUNABLES };
}
