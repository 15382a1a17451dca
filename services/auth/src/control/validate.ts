import { ControlError } from './errors';

/** Input checks for control API bodies and parameters: each failure names the field. */

export function jsonBody(body: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw new ControlError('invalid_request', 'the body must be a JSON object');
  const unknown = Object.keys(body).filter((k) => !allowed.includes(k));
  if (unknown.length > 0) throw new ControlError('invalid_request', `unknown field ${unknown[0]} (allowed: ${allowed.join(', ') || 'none'})`);
  return body as Record<string, unknown>;
}

/** A short human label: printable, at most 64 characters. */
export function optionalName(value: unknown, field = 'name'): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > 64 || /[\u0000-\u001f\u007f]/.test(value)) {
    throw new ControlError('invalid_request', `${field} must be 1-64 printable characters`);
  }
  return value;
}

export function requiredBoolean(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') throw new ControlError('invalid_request', `${field} must be true or false`);
  return value;
}

export function optionalBoolean(value: unknown, field: string): boolean | undefined {
  return value === undefined ? undefined : requiredBoolean(value, field);
}

/** New ids are AKIA + 16; older keys are AK + 18: both are 20 characters of A-Z and 2-7. */
const ACCESS_KEY_ID = /^AK[A-Z2-7]{18}$/;

export function accessKeyIdParam(value: unknown): string {
  if (typeof value !== 'string' || !ACCESS_KEY_ID.test(value)) {
    throw new ControlError('invalid_request', `malformed access key id ${JSON.stringify(String(value)).slice(0, 40)} (expected AKIA followed by 16 characters)`);
  }
  return value;
}

export function tokenIdParam(value: unknown): string {
  if (typeof value !== 'string' || !/^tok_[a-f0-9]{16}$/.test(value)) throw new ControlError('invalid_request', 'malformed token id (expected tok_ and 16 hex digits)');
  return value;
}

const QUOTA_FIELDS = { max_bytes: 'maxBytes', max_objects: 'maxObjects', max_buckets: 'maxBuckets', max_object_bytes: 'maxObjectBytes' } as const;

/** `{ max_bytes?, max_objects?, max_buckets?, max_object_bytes? }`: a non-negative integer, or null to lift the limit. */
export function quotaBody(body: unknown): Partial<Record<(typeof QUOTA_FIELDS)[keyof typeof QUOTA_FIELDS], number | null>> {
  const b = jsonBody(body, Object.keys(QUOTA_FIELDS));
  if (Object.keys(b).length === 0) throw new ControlError('invalid_request', `give at least one of ${Object.keys(QUOTA_FIELDS).join(', ')}`);
  const out: Partial<Record<string, number | null>> = {};
  for (const [field, internal] of Object.entries(QUOTA_FIELDS)) {
    const v = b[field];
    if (v === undefined) continue;
    if (v !== null && (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0)) throw new ControlError('invalid_request', `${field} must be a non-negative integer, or null for no limit`);
    out[internal] = v;
  }
  return out;
}

const DAY_MS = 86_400_000;

/** `?from=&to=` (ISO 8601): the last 24 hours by default, at most 31 days. */
export function hourRange(query: Record<string, unknown>, now = Date.now()): { from: Date; to: Date } {
  const time = (v: unknown, name: string, fallback: number) => {
    if (v === undefined) return new Date(fallback);
    const d = typeof v === 'string' ? new Date(v) : new Date(NaN);
    if (Number.isNaN(d.getTime())) throw new ControlError('invalid_request', `${name} must be an ISO 8601 time such as 2026-01-31T00:00:00Z`);
    return d;
  };
  const to = time(query.to, 'to', now);
  const from = time(query.from, 'from', to.getTime() - DAY_MS);
  if (from >= to) throw new ControlError('invalid_request', 'from must be before to');
  if (to.getTime() - from.getTime() > 31 * DAY_MS) throw new ControlError('invalid_request', 'at most 31 days per request');
  return { from, to };
}
