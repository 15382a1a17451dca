import { compareBytes, successor } from './key-range';
import { commonPrefixOf } from './key-range';
import { etagListMatches } from './write-conditions';
import { newVersionId } from './version-id';

describe('successor', () => {
  it('increments the last code point', () => {
    expect(successor('a/')).toBe('a0');
    expect(successor('photos')).toBe('photot');
    expect(successor('é')).toBe('ê');
  });

  it('bounds every string that starts with its input', () => {
    for (const prefix of ['a/', 'x', 'dir%', '日本/', '😀']) {
      const upper = successor(prefix)!;
      for (const tail of ['', '\u0000', 'zzz', '\uFFFF', '😀', '\u{10FFFF}']) {
        expect(compareBytes(prefix + tail, upper)).toBeLessThan(0);
      }
      expect(compareBytes(upper, prefix)).toBeGreaterThan(0);
    }
  });

  it('skips the surrogate range and carries past U+10FFFF', () => {
    expect(successor('\uD7FF')).toBe('\uE000');
    expect(successor('a\u{10FFFF}')).toBe('b');
    expect(successor('\u{10FFFF}')).toBeUndefined();
    expect(successor('')).toBeUndefined();
  });
});

describe('compareBytes', () => {
  it('orders by UTF-8 bytes, not UTF-16 code units', () => {
    expect('\uFFFD' < '😀').toBe(false); // what JS would get wrong
    expect(compareBytes('\uFFFD', '😀')).toBeLessThan(0);
    expect(compareBytes('B', 'a')).toBeLessThan(0);
  });
});

describe('commonPrefixOf', () => {
  it('cuts at the first delimiter after the prefix', () => {
    expect(commonPrefixOf('a/b/c', '', '/')).toBe('a/');
    expect(commonPrefixOf('a/b/c', 'a/', '/')).toBe('a/b/');
    expect(commonPrefixOf('a/b', 'a/', '/')).toBeUndefined();
    expect(commonPrefixOf('x--y', '', '--')).toBe('x--');
  });
});

describe('etagListMatches', () => {
  it('ignores quotes, accepts * and lists', () => {
    expect(etagListMatches('abc', '"abc"')).toBe(true);
    expect(etagListMatches('"abc"', '"abc"')).toBe(true);
    expect(etagListMatches('*', '"abc"')).toBe(true);
    expect(etagListMatches('"x", "abc"', '"abc"')).toBe(true);
    expect(etagListMatches('"abd"', '"abc"')).toBe(false);
  });
});

describe('newVersionId', () => {
  it('is 32 URL-safe characters ordered by time', () => {
    const a = newVersionId(1_700_000_000_000);
    const b = newVersionId(1_700_000_000_001);
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(a < b).toBe(true);
    expect(newVersionId()).not.toBe(newVersionId());
  });
});
