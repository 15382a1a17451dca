import { rmSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';

export default async function globalTeardown(): Promise<void> {
  const g = globalThis as { __excloudStack?: { child: ChildProcess; db: { drop(): Promise<void> }; dataDir: string } };
  const s = g.__excloudStack;
  if (!s) return;
  if (s.child.exitCode === null) {
    const exited = new Promise((resolve) => s.child.once('exit', resolve));
    s.child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    if (s.child.exitCode === null) s.child.kill('SIGKILL');
  }
  await s.db.drop().catch(() => undefined);
  if (!process.env.E2E_KEEP_DATA) rmSync(s.dataDir, { recursive: true, force: true });
}
