import { createLogger } from './logger';
import { internalError } from './app';

const logger = createLogger({ service: 'app-test' }, { level: 'error', write: () => undefined });

describe('internalError', () => {
  it.each([
    ['Postgres shutting down (57P01)', Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })],
    ['Postgres refusing connections', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['a dropped connection', new Error('Connection terminated unexpectedly')],
    ['a pool that cannot connect', new Error('timeout exceeded when trying to connect')],
  ])('%s is a retryable 503', (_name, err) => {
    expect(internalError(err, logger)).toMatchObject({ code: 'ServiceUnavailable', status: 503 });
  });

  it.each([
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'x')")],
    ['a constraint violation', Object.assign(new Error('duplicate key value'), { code: '23505' })],
    ['a thrown string', 'boom'],
  ])('%s is a 500 that echoes nothing', (_name, err) => {
    const rendered = internalError(err, logger);
    expect(rendered).toMatchObject({ code: 'InternalError', status: 500 });
    expect(rendered.message).not.toMatch(/duplicate|undefined|boom/);
  });
});
