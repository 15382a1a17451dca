import { ConfigError, envReader, readBaseConfig } from './config';

describe('envReader', () => {
  it('reads typed values with defaults', () => {
    const env = envReader({ A: '12', B: 'yes', C: 'http://x:1/', D: 'info' });
    expect(env.int('A', 1)).toBe(12);
    expect(env.int('MISSING', 7)).toBe(7);
    expect(env.bool('B', false)).toBe(true);
    expect(env.url('C')).toBe('http://x:1');
    expect(env.oneOf('D', ['info', 'warn'] as const)).toBe('info');
    expect(env.optional('EMPTY')).toBeUndefined();
  });

  it('names the variable of every bad or missing value', () => {
    const env = envReader({ N: '12x', B: 'maybe', U: 'not a url', O: 'loud', R: '70000', E: '' });
    const failure = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        return err instanceof ConfigError ? `${err.variable}: ${err.message}` : 'other';
      }
      return 'none';
    };
    expect(failure(() => env.int('N', 1))).toMatch(/^N: .*integer/);
    expect(failure(() => env.bool('B', true))).toMatch(/^B: /);
    expect(failure(() => env.url('U'))).toMatch(/^U: .*URL/);
    expect(failure(() => env.oneOf('O', ['a', 'b'] as const))).toMatch(/^O: .*one of a, b/);
    expect(failure(() => env.int('R', 1, { max: 65535 }))).toMatch(/^R: .*<= 65535/);
    // An empty variable counts as unset, so a required one is reported missing.
    expect(failure(() => env.str('E'))).toMatch(/^E: .*required/);
  });

  it('gives every service the same base settings', () => {
    expect(readBaseConfig(envReader({}), 9101)).toMatchObject({ host: '0.0.0.0', port: 9101, logLevel: 'info', shutdownGraceMs: 25_000 });
  });
});
