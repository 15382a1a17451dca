import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { cellIds, runMatrix } from './matrix';
import { renderFaults } from './report';

/**
 * `pnpm faults [--only id,prefix…] [--redis-outage-seconds 60] [--out test-e2e/FAULTS.md]`: runs
 * the fault matrix and writes its table. Exits 1 when a cell fails.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      only: { type: 'string', default: '' },
      'redis-outage-seconds': { type: 'string', default: '60' },
      out: { type: 'string', default: path.resolve(__dirname, '../FAULTS.md') },
      list: { type: 'boolean', default: false },
    },
  });
  if (values.list) return void process.stdout.write(cellIds().join('\n') + '\n');
  const startedAt = new Date();
  const log = (line: string) => process.stdout.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);
  const load = os.loadavg().map((l) => l.toFixed(2)).join(' ');
  const only = values.only ? values.only.split(',').map((s) => s.trim()) : [];
  const results = await runMatrix({ only, redisOutageSeconds: Number(values['redis-outage-seconds']), log });
  const seconds = Math.round((Date.now() - startedAt.getTime()) / 1000);
  const background = `${os.cpus().length} cores shared with other engineers' work; load average at start ${load}, at end ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}.`;
  const command = `pnpm faults${values.only ? ` --only ${values.only}` : ''}`;
  writeFileSync(values.out, renderFaults(results, { command, startedAt: startedAt.toISOString().slice(0, 16).replace('T', ' ') + ' UTC', seconds, background }) + '\n');
  log(`wrote ${values.out}: ${results.filter((r) => r.pass).length}/${results.length} cells pass`);
  process.exit(results.every((r) => r.pass) ? 0 : 1);
}

main().catch((err) => {
  process.stderr.write(`fault matrix failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(2);
});
