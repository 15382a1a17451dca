/** Structured JSON logs, one object per line, with bound fields (service, request id). */
const LEVELS = { debug: 10, info: 20, warn: 30, error: 40, fatal: 50 } as const;
export type LogLevel = keyof typeof LEVELS;

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

export function createLogger(
  bound: Record<string, unknown>,
  opts: { level?: LogLevel; write?: (line: string) => void } = {},
): Logger {
  const min = LEVELS[opts.level ?? 'info'];
  const write = opts.write ?? ((line: string) => process.stdout.write(line));
  const log = (level: LogLevel) => (msg: string, fields?: Record<string, unknown>) => {
    if (LEVELS[level] < min) return;
    const entry: Record<string, unknown> = { time: new Date().toISOString(), level, ...bound, msg, ...fields };
    if (fields?.err instanceof Error) entry.err = { message: fields.err.message, stack: fields.err.stack };
    write(JSON.stringify(entry) + '\n');
  };
  return {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    child: (fields) => createLogger({ ...bound, ...fields }, opts),
  };
}
