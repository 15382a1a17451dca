/**
 * Re-renders a report from the raw record a run saved next to it, so a change to the report's
 * wording never needs another 10-minute run: `tsx src/render.ts RESULTS.json [RESULTS.md]`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { renderReport } from './report';
import type { RunRecord } from './run-record';

export function loadRecord(file: string): RunRecord {
  const raw = JSON.parse(readFileSync(file, 'utf8'));
  return { ...raw, startedAt: new Date(raw.startedAt), finishedAt: new Date(raw.finishedAt) };
}

if (require.main === module) {
  const [input = 'RESULTS.json', output = input.replace(/\.json$/, '.md')] = process.argv.slice(2);
  writeFileSync(output, renderReport(loadRecord(input)));
  process.stdout.write(`wrote ${output}\n`);
}
