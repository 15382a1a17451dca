/**
 * One service of local mode in its own process, started by scripts/local.ts (the supervisor) with
 * the service's production environment. It reports `ready` or why it failed over the IPC channel,
 * stops when told to, and never outlives the supervisor: when the channel closes (the supervisor
 * exited, however it exited) it stops too.
 */
import { createLogger, tuneGarbageCollector, type LogLevel } from '@excloud/service-kit';
import { sendableError, type ChildMessage, type ParentMessage } from './local-ipc';
import { isServiceName, startService, type RunningService, type ServiceName } from './local-services';

/** After the supervisor vanished nobody waits for a drain: a bounded one, then exit. */
const ORPHAN_GRACE_MS = 3000;

const name = process.argv[2];
if (!isServiceName(name) || !process.send) {
  process.stderr.write('scripts/local-service is started by local mode (scripts/local.ts), not by hand\n');
  process.exit(2);
}

let service: RunningService | undefined;
let closing: Promise<void> | undefined;

function send(message: ChildMessage): Promise<void> {
  return new Promise((resolve) => (process.connected ? process.send!(message, undefined, {}, () => resolve()) : resolve()));
}

function stop(graceMs?: number): void {
  if (graceMs !== undefined) setTimeout(() => process.exit(0), graceMs).unref();
  // Still starting: nothing to drain yet.
  closing ??= (async () => {
    await service?.close().catch(() => undefined);
    process.exit(0);
  })();
}

// Ctrl-C reaches the whole process group: the supervisor decides the order services stop in
// (gateway first, so no new work reaches the others), so this process waits to be told.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => void stop());
process.on('message', (m: ParentMessage) => {
  if (m?.type === 'stop') void stop();
});
process.on('disconnect', () => void stop(ORPHAN_GRACE_MS));

async function main(serviceName: ServiceName): Promise<void> {
  tuneGarbageCollector();
  const level = (process.env.LOG_LEVEL ?? 'warn') as LogLevel;
  service = await startService(serviceName, process.env, createLogger({ service: serviceName }, { level }));
  await send({ type: 'ready', port: service.port, opsPort: service.opsPort });
}

main(name).catch(async (err) => {
  await send({ type: 'failed', error: sendableError(err) });
  process.exit(1);
});
