import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

/**
 * Summarises V8 .cpuprofile files (what `node --cpu-prof` writes at exit): self time aggregated
 * by function name + script, optionally only for samples inside a time window (the cell), so
 * startup (tsx compiling TypeScript) does not drown the steady state.
 */
export interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }>;
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileEntry {
  functionName: string;
  url: string;
  selfMs: number;
}

export interface ProfileSummary {
  /** Sampled time inside the window, idle excluded. */
  busyMs: number;
  idleMs: number;
  top: ProfileEntry[];
  /** False when the window did not overlap the profile and the whole profile was used. */
  windowed: boolean;
}

/** Window bounds in microseconds on the monotonic clock (process.hrtime), which V8 profiles use too. */
export interface TimeWindow {
  startUs: number;
  endUs: number;
}

export function summarizeProfile(profile: CpuProfile, topN = 10, window?: TimeWindow, repoRoot?: string): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const useWindow = window !== undefined && window.startUs < profile.endTime && window.endUs > profile.startTime;
  const self = new Map<string, ProfileEntry>();
  let busyUs = 0;
  let idleUs = 0;
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i] ?? 0;
    t += delta;
    if (useWindow && (t < window!.startUs || t > window!.endUs)) continue;
    const node = byId.get(profile.samples[i]);
    if (!node) continue;
    const name = node.callFrame.functionName || '(anonymous)';
    if (name === '(idle)') {
      idleUs += delta;
      continue;
    }
    busyUs += delta;
    const url = shortenUrl(node.callFrame.url, repoRoot);
    const key = `${name}\u0000${url}`;
    const entry = self.get(key) ?? { functionName: name, url, selfMs: 0 };
    entry.selfMs += delta / 1000;
    self.set(key, entry);
  }
  const top = [...self.values()].sort((a, b) => b.selfMs - a.selfMs).slice(0, topN);
  return { busyMs: busyUs / 1000, idleMs: idleUs / 1000, top, windowed: useWindow };
}

/** `file:///…/node_modules/.pnpm/pkg@1/node_modules/pkg/lib/x.js` → `pkg/lib/x.js`; repo files relative. */
export function shortenUrl(url: string, repoRoot?: string): string {
  if (!url) return '';
  let u = url.replace(/^file:\/\//, '');
  const nm = u.lastIndexOf('/node_modules/');
  if (nm >= 0) return u.slice(nm + '/node_modules/'.length);
  if (repoRoot && u.startsWith(repoRoot + '/')) u = u.slice(repoRoot.length + 1);
  return u;
}

/** Every profile written into a directory (one per process that exited). */
export function readProfiles(dir: string): CpuProfile[] {
  let files: string[] = [];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  } catch {
    return [];
  }
  return files.map((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as CpuProfile);
}

/** Several profiles of one service (restarts) merged into one summary. */
export function summarizeProfiles(profiles: CpuProfile[], topN: number, window?: TimeWindow, repoRoot?: string): ProfileSummary | undefined {
  if (profiles.length === 0) return undefined;
  const parts = profiles.map((p) => summarizeProfile(p, Number.MAX_SAFE_INTEGER, window, repoRoot));
  const merged = new Map<string, ProfileEntry>();
  for (const part of parts) {
    for (const e of part.top) {
      const key = `${e.functionName}\u0000${e.url}`;
      const m = merged.get(key) ?? { ...e, selfMs: 0 };
      m.selfMs += e.selfMs;
      merged.set(key, m);
    }
  }
  return {
    busyMs: parts.reduce((a, p) => a + p.busyMs, 0),
    idleMs: parts.reduce((a, p) => a + p.idleMs, 0),
    top: [...merged.values()].sort((a, b) => b.selfMs - a.selfMs).slice(0, topN),
    windowed: parts.every((p) => p.windowed),
  };
}
