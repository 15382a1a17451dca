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
