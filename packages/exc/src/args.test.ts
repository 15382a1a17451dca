import { parseArgs } from './args';
import { CliError } from './errors';

describe('exc argument parsing', () => {
  it('reads flags in every spelling and keeps positionals', () => {
    expect(parseArgs(['photos', '--public'], { booleans: ['public'] })).toEqual({ positionals: ['photos'], flags: { public: true } });
    expect(parseArgs(['photos', '--public=false'], { booleans: ['public'] }).flags).toEqual({ public: false });
    expect(parseArgs(['--no-public'], { booleans: ['public'] }).flags).toEqual({ public: false });
    expect(parseArgs(['--name', 'ci', '--json'], { values: ['name'] }).flags).toEqual({ name: 'ci', json: true });
    expect(parseArgs(['--name=a=b'], { values: ['name'] }).flags).toEqual({ name: 'a=b' });
  });

  it('refuses unknown options, missing values and non-boolean booleans with a usage exit code', () => {
    for (const argv of [['--colour'], ['--name'], ['--name', '--json'], ['--public=maybe']]) {
      expect(() => parseArgs(argv, { values: ['name'], booleans: ['public'] })).toThrow(CliError);
      try {
        parseArgs(argv, { values: ['name'], booleans: ['public'] });
      } catch (err) {
        expect((err as CliError).exitCode).toBe(2);
      }
    }
  });
});
