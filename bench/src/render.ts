/**
 * Re-renders a report from the raw record a run saved next to it, so a change to the report's
 * wording never needs another 10-minute run:
 * `tsx src/render.ts RESULTS.json [RESULTS.md] [--baseline BASELINE.json] [--note note.md]`
 * (a baseline or note given here replaces the record's and is saved into it).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadBaseline } from './baseline';
import { renderReport } from './report';
import type { RunRecord } from './run-record';

export function loadRecord(file: string): RunRecord {
  const raw = JSON.parse(readFileSync(file, 'utf8'));
  return { ...raw, startedAt: new Date(raw.startedAt), finishedAt: new Date(raw.finishedAt) };
}

/** A path as the user typed it: relative to where they ran `pnpm bench` (INIT_CWD), or to here. */
export function userPath(file: string, env: NodeJS.ProcessEnv = process.env): string {
  const here = path.resolve(file);
  if (existsSync(here) || !env.INIT_CWD) return here;
  const there = path.resolve(env.INIT_CWD, file);
  return existsSync(there) ? there : here;
}

if (require.main === module) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { baseline: { type: 'string' }, note: { type: 'string' } } });
  const [input = 'RESULTS.json', output = input.replace(/\.json$/, '.md')] = positionals;
  const record = loadRecord(userPath(input));
  if (values.baseline) record.baseline = loadBaseline(userPath(values.baseline));
  if (values.note) record.note = readFileSync(userPath(values.note), 'utf8');
  if (values.baseline || values.note) writeFileSync(userPath(input), JSON.stringify(record, null, 1));
  writeFileSync(output, renderReport(record));
  process.stdout.write(`wrote ${output}\n`);
}
