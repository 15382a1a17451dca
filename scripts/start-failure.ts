/**
 * Why local mode could not start, as one line that names the problem and the fix. Everything
 * local mode knows how to diagnose becomes a StartFailure; anything else is still printed as one
 * line (the stack only with LOG_LEVEL=debug), because a newcomer's first command must not end in
 * a stack trace.
 */
export class StartFailure extends Error {
  constructor(
    readonly problem: string,
    readonly fix: string,
  ) {
    super(`${problem}. Fix: ${fix}`);
  }
}

type ErrnoLike = Error & { code?: string; path?: string; port?: number; syscall?: string };

/** Node errors local mode can name without knowing where they came from. */
export function fromErrno(err: unknown): StartFailure | undefined {
  if (!(err instanceof Error)) return undefined;
  const e = err as ErrnoLike;
  const where = e.path ? ` (${e.path})` : '';
  switch (e.code) {
    case 'ENOSPC':
      return new StartFailure(`the disk is full${where}`, 'free some space, or set EXCLOUD_DATA_DIR to a directory on another disk');
    case 'EDQUOT':
      return new StartFailure(`the disk quota is exhausted${where}`, 'free some space, or set EXCLOUD_DATA_DIR to a directory on another disk');
    case 'EACCES':
    case 'EPERM':
      return new StartFailure(`permission denied${where}`, 'run local mode as the user who owns the checkout, or set EXCLOUD_DATA_DIR to a directory you can write');
    case 'EROFS':
      return new StartFailure(`the file system is read-only${where}`, 'set EXCLOUD_DATA_DIR to a writable directory');
    case 'EADDRINUSE':
      return new StartFailure(
        `port ${e.port ?? '?'} is already in use by another program`,
        'stop that program, or choose other ports (PORT for the S3 endpoint, GATEWAY_OPS_PORT, EMBEDDED_PG_PORT)',
      );
    default:
      return undefined;
  }
}

/** What Postgres (run with LC_MESSAGES=C) said when it refused to start, as a StartFailure. */
export function fromPostgresLog(log: string, ctx: { pgData: string; port: number; logFile: string }): StartFailure {
  const line = (re: RegExp) => log.split('\n').find((l) => re.test(l));
  if (/No space left on device/.test(log)) {
    return new StartFailure(`the disk holding ${ctx.pgData} is full (Postgres: No space left on device)`, 'free some space, or set EXCLOUD_DATA_DIR to a directory on another disk');
  }
  if (/could not bind .*Address already in use|is another postmaster already running on port/.test(log)) {
    return new StartFailure(`port ${ctx.port} (embedded Postgres) is already in use by another program`, 'stop that program, or set EMBEDDED_PG_PORT to a free port');
  }
  if (/database files are incompatible with server/.test(log)) {
    const detail = line(/initialized by PostgreSQL version/)?.replace(/^.*DETAIL:\s*/, '') ?? 'it was made by another Postgres version';
    return new StartFailure(`the database in ${ctx.pgData} cannot be opened: ${detail}`, 'run the checkout that created it, or move that directory away to start with an empty database');
  }
  if (/lock file "postmaster.pid" already exists/.test(log)) {
    return new StartFailure(`another Postgres is already running on ${ctx.pgData}`, 'stop the other local mode (or Postgres) using this directory, or set EXCLOUD_DATA_DIR to another directory');
  }
  if (/has wrong ownership|has invalid permissions/.test(log)) {
    const what = line(/has wrong ownership|has invalid permissions/)?.replace(/^.*FATAL:\s*/, '') ?? 'wrong ownership or permissions';
    return new StartFailure(`Postgres refuses its data directory: ${what}`, `give ${ctx.pgData} to the user running Postgres with mode 0700, or move it away to start fresh`);
  }
  const denied = line(/Permission denied/);
  if (denied) {
    return new StartFailure(`Postgres was denied access: ${denied.replace(/^.*(FATAL|ERROR|initdb: error):\s*/, '')}`, 'make that path readable by the user running Postgres, or set EXCLOUD_DATA_DIR to a directory it can use');
  }
  if (/could not (create|map anonymous) shared memory|could not resize shared memory/.test(log)) {
    return new StartFailure('Postgres could not get the shared memory it needs', 'free some memory, or raise the shared memory limit of this machine or container (/dev/shm)');
  }
  const last = line(/FATAL|PANIC|initdb: error/) ?? log.trim().split('\n').pop() ?? 'no output';
  return new StartFailure(`embedded Postgres failed: ${last.trim()}`, `read ${ctx.logFile} for the full output`);
}

/** The one line printed for any error that stops local mode before it serves. */
export function failureLine(err: unknown, debug: boolean): string {
  const known = err instanceof StartFailure ? err : fromErrno(err);
  if (known) return `local mode failed to start: ${known.message}`;
  const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
  if (debug) return `local mode failed to start: ${message}\n${err instanceof Error ? err.stack : ''}`;
  return `local mode failed to start: ${message} (run with LOG_LEVEL=debug to see where it came from)`;
}
