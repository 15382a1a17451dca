/**
 * Local mode's service processes: each service (scripts/local-service) runs in a child of local
 * mode with its production environment. In a checkout the child loads the TypeScript through
 * scripts/ts-require.cjs, not tsx as local mode itself does, so it runs the JavaScript the compiled
 * build ships (see that file for what tsx's output costs per request); in the compiled build it
 * runs with local mode's own node flags.
 */
import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { SERVICE_NODE_FLAGS } from '@excloud/service-kit';
import { receivedError, type ChildMessage, type ParentMessage } from './local-ipc';
import type { RunningService, ServiceEnv, ServiceName } from './local-services';

/** local-service.ts next to local.ts, or local-service.js in the compiled build. */
const ENTRY = path.join(__dirname, `local-service${path.extname(__filename)}`);
const IN_CHECKOUT = path.extname(__filename) === '.ts';
const TS_HOOK = path.join(__dirname, 'ts-require.cjs');
const LOADER = IN_CHECKOUT ? ['--require', TS_HOOK, '--enable-source-maps'] : process.execArgv;
let transpiled = false;

/**
 * In a checkout, fills ts-require's cache in one short-lived process before the first service
 * starts (~2.5 s on an empty cache, 0.7 s measured when nothing changed): a service that had to
 * transpile would keep TypeScript's compiler in its heap for as long as it runs. Not fatal: a
 * service still transpiles whatever it finds missing.
 */
function transpileCheckout(): void {
  if (transpiled || !IN_CHECKOUT) return;
  transpiled = true;
  spawnSync(process.execPath, [TS_HOOK], { stdio: 'ignore' });
}

/** Longer than a service's own drain (startServer's grace), so a stop is normally clean. */
const STOP_GRACE_MS = 15_000;

export class ServiceProcess {
  readonly ready: Promise<RunningService>;
  private readonly child: ChildProcess;
  private readonly closed: Promise<void>;
  private stopping = false;
  private wasReady = false;

  /** `onCrash` hears of an exit nobody asked for after the service was ready. */
  constructor(
    readonly name: ServiceName,
    env: ServiceEnv,
    onCrash: (what: string) => void,
  ) {
    transpileCheckout();
    this.child = fork(ENTRY, [name], { env, stdio: 'inherit', execArgv: [...LOADER, ...SERVICE_NODE_FLAGS] });
    let settle: { resolve(s: RunningService): void; reject(e: Error): void } | undefined;
    this.ready = new Promise((resolve, reject) => (settle = { resolve, reject }));
    const onClosed = (code: number | null, signal: NodeJS.Signals | null) => {
      const how = signal ? `signal ${signal}` : `exit code ${code}`;
      if (settle) settle.reject(new Error(`the ${name} service exited while starting (${how})`));
      else if (this.wasReady && !this.stopping) onCrash(`the ${name} service (pid ${this.pid}) exited unexpectedly (${how})`);
      settle = undefined;
    };
    // 'close', not 'exit': it also waits for the IPC channel, so a last `failed` message is read.
    this.closed = new Promise((resolve) => this.child.once('close', (code, signal) => resolve(onClosed(code, signal))));
    this.child.on('message', (m: ChildMessage) => {
      this.wasReady ||= m.type === 'ready';
      if (m.type === 'ready') settle?.resolve({ port: m.port, opsPort: m.opsPort, close: () => this.stop() });
      else if (m.type === 'failed') settle?.reject(receivedError(m.error));
      settle = undefined;
    });
    // fork itself failed (no such file, no processes left): there will be no 'close'.
    this.child.on('error', (err) => {
      settle?.reject(err);
      settle = undefined;
    });
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Asks the service to drain and exit; kills it if it has not within STOP_GRACE_MS. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (!this.running || this.child.pid === undefined) return;
    if (this.child.connected) this.child.send({ type: 'stop' } satisfies ParentMessage);
    else this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_GRACE_MS);
    await this.closed;
    clearTimeout(timer);
  }

  /** For local mode's last moments (a crash): the child drains on SIGTERM, and its channel closes anyway. */
  killNow(): void {
    if (this.running) this.child.kill('SIGTERM');
  }
}
