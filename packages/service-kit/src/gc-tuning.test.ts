import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SERVICE_NODE_FLAGS, tuneGarbageCollector } from './gc-tuning';

/** Runs tuneGarbageCollector() in a fresh process of `node`: V8 reports an unknown flag straight to fd 2. */
function tuneIn(node: string): { status: number | null; stdout: string; stderr: string } {
  const script = `console.log(require(${JSON.stringify(require.resolve('./gc-tuning'))}).tuneGarbageCollector());`;
  return spawnSync(node, ['--import', 'tsx', '-e', script], { encoding: 'utf8' });
}

// scripts/test.sh fetches the images' Node 24 first and passes it here.
const node24 = process.env.NODE24_BIN;

describe('tuneGarbageCollector', () => {
  it('leaves a Node whose V8 lacks the flag alone', () => {
    expect(tuneGarbageCollector('20.19.0')).toBe(false);
    expect(tuneGarbageCollector('22.12.0')).toBe(false);
  });

  it('does nothing, and says nothing, on the host Node when it predates the flag', () => {
    const child = tuneIn(process.execPath);
    expect(child).toMatchObject({ status: 0, stderr: '' });
    expect(child.stdout.trim()).toBe(String(Number(process.versions.node.split('.')[0]) >= 24));
  });

  (node24 ? it : it.skip)('sets a flag that the V8 of Node 24 knows (an unknown one is an error on stderr)', () => {
    const child = tuneIn(node24!);
    expect(child).toMatchObject({ status: 0, stderr: '' });
    expect(child.stdout.trim()).toBe('true');
  });
});

describe('SERVICE_NODE_FLAGS', () => {
  it('are what the image starts every service with (deploy/excloud.sh cannot import them)', () => {
    const entrypoint = readFileSync(join(__dirname, '../../../deploy/excloud.sh'), 'utf8');
    const serviceLine = entrypoint.split('\n').find((l) => l.includes('gateway|auth|metadata|blob|janitor)'));
    expect(serviceLine).toBeDefined();
    for (const flag of SERVICE_NODE_FLAGS) expect(serviceLine).toContain(flag);
  });

  it('are accepted by this Node', () => {
    const child = spawnSync(process.execPath, [...SERVICE_NODE_FLAGS, '-e', '0'], { encoding: 'utf8' });
    expect(child).toMatchObject({ status: 0, stderr: '' });
  });
});
