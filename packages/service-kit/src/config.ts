import { readHttpLimits, type HttpLimits } from './http-limits';

/**
 * Config is parsed once at boot into a frozen object. Each reader names the variable it reads so a
 * bad value fails fast with a message an operator can act on.
 */
export class ConfigError extends Error {
  constructor(readonly variable: string, problem: string) {
    super(`config: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

export interface EnvReader {
  str(name: string, fallback?: string): string;
  optional(name: string): string | undefined;
  int(name: string, fallback?: number, range?: { min?: number; max?: number }): number;
  bool(name: string, fallback?: boolean): boolean;
  url(name: string, fallback?: string): string;
  oneOf<T extends string>(name: string, allowed: readonly T[], fallback?: T): T;
}

export function envReader(env: Env = process.env): EnvReader {
  const raw = (name: string): string | undefined => {
    const v = env[name];
    return v === undefined || v === '' ? undefined : v;
  };
  const required = <T>(name: string, fallback: T | undefined): T => {
    if (fallback === undefined) throw new ConfigError(name, 'is required but not set');
    return fallback;
  };
  return {
    str: (name, fallback) => raw(name) ?? required(name, fallback),
    optional: (name) => raw(name),
    int(name, fallback, range = {}) {
      const v = raw(name);
      if (v === undefined) return required(name, fallback);
      if (!/^-?\d+$/.test(v)) throw new ConfigError(name, `must be an integer, got ${JSON.stringify(v)}`);
      const n = Number(v);
      if (range.min !== undefined && n < range.min) throw new ConfigError(name, `must be >= ${range.min}, got ${n}`);
      if (range.max !== undefined && n > range.max) throw new ConfigError(name, `must be <= ${range.max}, got ${n}`);
      return n;
    },
    bool(name, fallback) {
      const v = raw(name);
      if (v === undefined) return required(name, fallback);
      if (/^(1|true|yes|on)$/i.test(v)) return true;
      if (/^(0|false|no|off)$/i.test(v)) return false;
      throw new ConfigError(name, `must be true or false, got ${JSON.stringify(v)}`);
    },
    url(name, fallback) {
      const v = raw(name) ?? required(name, fallback);
      try {
        new URL(v);
      } catch {
        throw new ConfigError(name, `must be a URL, got ${JSON.stringify(v)}`);
      }
      return v.replace(/\/+$/, '');
    },
    oneOf(name, allowed, fallback) {
      const v = raw(name) ?? required(name, fallback);
      if (!allowed.includes(v as never)) throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got ${JSON.stringify(v)}`);
      return v as (typeof allowed)[number];
    },
  };
}

/** Shared by every service: where it listens and how it logs. */
export interface BaseConfig {
  host: string;
  port: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** How long SIGTERM waits for in-flight requests before forcing exit. */
  shutdownGraceMs: number;
  /** Timeouts and connection caps of the service's HTTP server. */
  http: HttpLimits;
}

/** `edge`: this service's port faces clients directly (see readHttpLimits). */
export function readBaseConfig(env: EnvReader, defaultPort: number, edge = false): BaseConfig {
  return {
    host: env.str('HOST', '0.0.0.0'),
    port: env.int('PORT', defaultPort, { min: 0, max: 65535 }),
    logLevel: env.oneOf('LOG_LEVEL', ['debug', 'info', 'warn', 'error'] as const, 'info'),
    // Kubernetes' default terminationGracePeriodSeconds is 30 s; leave room for the preStop hook.
    shutdownGraceMs: env.int('SHUTDOWN_GRACE_MS', 25_000, { min: 0 }),
    http: readHttpLimits(env, edge),
  };
}

/** Run a config parser; on a ConfigError print one clear line and exit 78 (EX_CONFIG). */
export function loadConfigOrExit<T>(service: string, parse: () => T): Readonly<T> {
  try {
    return Object.freeze(parse());
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(JSON.stringify({ level: 'fatal', service, msg: err.message, variable: err.variable }) + '\n');
      process.exit(78);
    }
    throw err;
  }
}
