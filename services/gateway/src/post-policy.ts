import { S3Error } from '@excloud/s3-protocol';

/**
 * POST policies as S3 documents them: a base64 JSON document with an `expiration` and a list of
 * `conditions`, each an exact match (`{"field": "value"}` or `["eq", "$field", "value"]`), a
 * prefix (`["starts-with", "$field", "prefix"]`) or `["content-length-range", min, max]`. Every
 * form field except policy, x-amz-signature, file and x-ignore-* must be named by a condition.
 */
export type PolicyCondition =
  | { kind: 'eq' | 'starts-with'; field: string; value: string; text: string }
  | { kind: 'content-length-range'; min: number; max: number };

export interface PostPolicy {
  expiration: Date;
  conditions: PolicyCondition[];
}

/** Fields no condition needs to name. */
const EXEMPT = new Set(['policy', 'x-amz-signature', 'file']);

export function parsePostPolicy(base64: string): PostPolicy {
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(base64, 'base64').toString('utf8'));
  } catch {
    throw invalidPolicy('Invalid Policy: Invalid JSON.');
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw invalidPolicy('Invalid Policy: Invalid JSON.');
  const { expiration, conditions } = doc as { expiration?: unknown; conditions?: unknown };
  if (expiration === undefined) throw invalidPolicy('Invalid Policy: Policy missing expiration.');
  const expires = typeof expiration === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(expiration) ? new Date(expiration) : undefined;
  if (!expires || Number.isNaN(expires.getTime())) throw invalidPolicy(`Invalid Policy: Invalid 'expiration' value: '${String(expiration)}'`);
  if (conditions === undefined) throw invalidPolicy('Invalid Policy: Policy missing conditions.');
  if (!Array.isArray(conditions)) throw invalidPolicy('Invalid Policy: Invalid JSON.');
  return { expiration: expires, conditions: conditions.flatMap(parseCondition) };
}

function parseCondition(raw: unknown): PolicyCondition[] {
  if (Array.isArray(raw)) {
    const [op, a, b] = raw as unknown[];
    const name = typeof op === 'string' ? op.toLowerCase() : '';
    if (name === 'content-length-range') {
      const min = Number(a);
      const max = Number(b);
      if (raw.length !== 3 || !Number.isSafeInteger(min) || !Number.isSafeInteger(max) || min < 0 || max < min) {
        throw invalidPolicy('Invalid Policy: Invalid content-length-range condition.');
      }
      return [{ kind: 'content-length-range', min, max }];
    }
    if ((name === 'eq' || name === 'starts-with') && raw.length === 3 && typeof a === 'string' && a.startsWith('$') && typeof b === 'string') {
      return [{ kind: name, field: a.slice(1).toLowerCase(), value: b, text: JSON.stringify(raw) }];
    }
    throw invalidPolicy(`Invalid Policy: Invalid Condition: ${JSON.stringify(raw)}`);
  }
  if (typeof raw === 'object' && raw !== null) {
    return Object.entries(raw).map(([field, value]) => {
      if (typeof value !== 'string') throw invalidPolicy(`Invalid Policy: Invalid Simple-Condition: value must be a string.`);
      return { kind: 'eq' as const, field: field.toLowerCase(), value, text: JSON.stringify(['eq', `$${field}`, value]) };
    });
  }
  throw invalidPolicy(`Invalid Policy: Invalid Condition: ${JSON.stringify(raw)}`);
}

/**
 * Checks the form against the policy; returns the content-length-range to enforce while the file
 * streams (the file's size is only known at its end). `bucket` is the bucket of the URL, which a
 * `bucket` condition must match.
 */
export function checkPostPolicy(policy: PostPolicy, fields: Map<string, string>, bucket: string, now: Date): { min: number; max: number } | undefined {
  if (now.getTime() > policy.expiration.getTime()) throw accessDenied('Invalid according to Policy: Policy expired.');
  const valueOf = (field: string) => (field === 'bucket' ? bucket : (fields.get(field) ?? ''));
  let range: { min: number; max: number } | undefined;
  const named = new Set<string>();
  for (const c of policy.conditions) {
    if (c.kind === 'content-length-range') {
      range = { min: c.min, max: c.max };
      continue;
    }
    named.add(c.field);
    const actual = valueOf(c.field);
    const ok = c.kind === 'eq' ? actual === c.value : startsWith(c.field, actual, c.value);
    if (!ok) throw accessDenied(`Invalid according to Policy: Policy Condition failed: ${c.text}`);
  }
  const extra = [...fields.keys()].filter((f) => !EXEMPT.has(f) && !f.startsWith('x-ignore-') && !named.has(f));
  if (extra.length > 0) throw accessDenied(`Invalid according to Policy: Extra input fields: ${extra.join(', ')}`);
  return range;
}

/** Content-Type may list several types; with starts-with each must start with the prefix. */
function startsWith(field: string, actual: string, prefix: string): boolean {
  if (field === 'content-type') return actual.split(',').every((v) => v.trim().startsWith(prefix));
  return actual.startsWith(prefix);
}

function invalidPolicy(message: string): S3Error {
  return new S3Error('InvalidPolicyDocument', message);
}

function accessDenied(message: string): S3Error {
  return new S3Error('AccessDenied', message);
}
