import { ControlError } from './errors';
import { accessKeyIdParam, hourRange, jsonBody, optionalName, quotaBody } from './validate';

const code = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    return err instanceof ControlError ? `${err.code} ${err.status}` : 'other';
  }
  return 'ok';
};

describe('control API input validation', () => {
  it('accepts AKIA and older AK key ids, nothing else', () => {
    expect(accessKeyIdParam('AKIAABCDEFGHIJ234567')).toBe('AKIAABCDEFGHIJ234567');
    expect(accessKeyIdParam('AKAAAAAAAAAAAAAAAAAA')).toBe('AKAAAAAAAAAAAAAAAAAA');
    for (const bad of ['AKIA123', 'akiaabcdefghij234567', 'AKIAABCDEFGHIJ2345678', 'AKIAABCDEFGHIJ23456/', undefined]) expect(code(() => accessKeyIdParam(bad))).toBe('invalid_request 400');
  });

  it('refuses unknown fields and non-object bodies', () => {
    expect(jsonBody(undefined, ['name'])).toEqual({});
    expect(code(() => jsonBody({ name: 'a', extra: 1 }, ['name']))).toBe('invalid_request 400');
    expect(code(() => jsonBody([1], ['name']))).toBe('invalid_request 400');
    expect(code(() => optionalName('x'.repeat(65)))).toBe('invalid_request 400');
    expect(code(() => optionalName('tab\there'))).toBe('invalid_request 400');
  });

  it('maps quota fields and allows null to lift a limit', () => {
    expect(quotaBody({ max_bytes: 10, max_objects: null })).toEqual({ maxBytes: 10, maxObjects: null });
    for (const bad of [{}, { max_bytes: -1 }, { max_bytes: 1.5 }, { max_bytes: '10' }, { max_gb: 1 }]) expect(code(() => quotaBody(bad))).toBe('invalid_request 400');
  });

  it('defaults the hourly range to the last day and bounds it', () => {
    const now = Date.parse('2026-01-02T00:00:00Z');
    expect(hourRange({}, now)).toEqual({ from: new Date('2026-01-01T00:00:00Z'), to: new Date('2026-01-02T00:00:00Z') });
    expect(code(() => hourRange({ from: 'yesterday' }, now))).toBe('invalid_request 400');
    expect(code(() => hourRange({ from: '2026-01-02T00:00:00Z', to: '2026-01-01T00:00:00Z' }, now))).toBe('invalid_request 400');
    expect(code(() => hourRange({ from: '2025-01-01T00:00:00Z' }, now))).toBe('invalid_request 400');
  });
});
