import { DEFAULT_PORTS } from '@excloud/contracts';
import { ConfigError, readBaseConfig, readServiceSecret, type BaseConfig, type EnvReader } from '@excloud/service-kit';

export interface JanitorConfig extends BaseConfig {
  /** BullMQ's Redis; without it the same jobs run in-process on timers (local mode). */
  redisUrl?: string;
  /** BullMQ key prefix: several deployments (or test runs) can share one Redis. */
  queuePrefix: string;
  metadataUrl: string;
  blobUrl: string;
  authUrl: string;
  /** The janitor's own credential, exchanged at auth for a short-lived system token: it works across orgs. */
  serviceSecret: string;
  /** Operators run a job now with it (POST /v1/jobs/<name>/run); the route is off without it. */
  adminToken?: string;
  uploadMaxAgeSeconds: number;
  outboxGraceSeconds: number;
  orphanGraceSeconds: number;
  outboxIntervalMs: number;
  expiryIntervalMs: number;
  sweepIntervalMs: number;
  usageRollupIntervalMs: number;
  usageReconcileIntervalMs: number;
  packCompactionIntervalMs: number;
  /** Correct usage drift found by reconciliation (otherwise only report it). */
  usageReconcileCorrect: boolean;
}

export function parseJanitorConfig(env: EnvReader): JanitorConfig {
  return {
    ...readBaseConfig(env, DEFAULT_PORTS.janitor),
    redisUrl: env.optional('REDIS_URL'),
    queuePrefix: env.str('JANITOR_QUEUE_PREFIX', 'excloud'),
    metadataUrl: env.url('METADATA_URL', `http://127.0.0.1:${DEFAULT_PORTS.metadata}`),
    blobUrl: env.url('BLOB_URL', `http://127.0.0.1:${DEFAULT_PORTS.blob}`),
    authUrl: env.url('AUTH_URL', `http://127.0.0.1:${DEFAULT_PORTS.auth}`),
    serviceSecret: readServiceSecret(env.optional('INTERNAL_SERVICE_SECRET')),
    adminToken: readAdminToken(env.optional('JANITOR_ADMIN_TOKEN')),
    // AWS's lifecycle rules are usually set to days; a week keeps slow resumable uploads alive.
    uploadMaxAgeSeconds: env.int('JANITOR_UPLOAD_MAX_AGE_SECONDS', 7 * 86_400, { min: 60 }),
    // Long enough for any in-flight GET of a superseded version to finish streaming.
    outboxGraceSeconds: env.int('JANITOR_OUTBOX_GRACE_SECONDS', 600, { min: 0 }),
    // A blob younger than this may belong to a PUT that has not committed yet.
    orphanGraceSeconds: env.int('JANITOR_ORPHAN_GRACE_SECONDS', 3600, { min: 1 }),
    outboxIntervalMs: env.int('JANITOR_OUTBOX_INTERVAL_MS', 30_000, { min: 100 }),
    expiryIntervalMs: env.int('JANITOR_EXPIRY_INTERVAL_MS', 3_600_000, { min: 100 }),
    sweepIntervalMs: env.int('JANITOR_SWEEP_INTERVAL_MS', 6 * 3_600_000, { min: 100 }),
    // A minute: hourly rows stay current, and an hour boundary is never missed.
    usageRollupIntervalMs: env.int('JANITOR_USAGE_ROLLUP_INTERVAL_MS', 60_000, { min: 100 }),
    // Hourly: a recount reads every version of every org, and drift is not expected at all.
    usageReconcileIntervalMs: env.int('JANITOR_USAGE_RECONCILE_INTERVAL_MS', 3_600_000, { min: 100 }),
    // Ten minutes: dead records wait that long at most, and a run with nothing to rewrite costs a scan of segment counters.
    packCompactionIntervalMs: env.int('JANITOR_PACK_COMPACTION_INTERVAL_MS', 600_000, { min: 100 }),
    usageReconcileCorrect: env.bool('JANITOR_USAGE_RECONCILE_CORRECT', true),
  };
}

function readAdminToken(value: string | undefined): string | undefined {
  if (value !== undefined && value.length < 16) throw new ConfigError('JANITOR_ADMIN_TOKEN', 'must be at least 16 characters');
  return value;
}
