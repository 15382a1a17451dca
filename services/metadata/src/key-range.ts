/**
 * Key-range arithmetic in the order Postgres' "C" collation uses for UTF-8 text: byte order,
 * which is code point order.
 */

const MAX_CODE_POINT = 0x10ffff;

/**
 * The smallest string greater than every string that starts with `s`: the last code point
 * incremented (skipping the surrogate range, which UTF-8 cannot hold). Undefined when no such
 * string exists (s is empty or made only of U+10FFFF), i.e. the range is unbounded above.
 */
export function successor(s: string): string | undefined {
  const cps = Array.from(s);
  while (cps.length > 0) {
    const last = cps.pop()!.codePointAt(0)!;
    if (last < MAX_CODE_POINT) {
      const next = last + 1 === 0xd800 ? 0xe000 : last + 1;
      return cps.join('') + String.fromCodePoint(next);
    }
  }
  return undefined;
}

/** Compares as Postgres "C" does; JS `<` compares UTF-16 code units, which differs above U+FFFF. */
export function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** The common prefix `key` rolls up into under `prefix` and `delimiter`, if any. */
export function commonPrefixOf(key: string, prefix: string, delimiter: string): string | undefined {
  if (!key.startsWith(prefix)) return undefined;
  const at = key.indexOf(delimiter, prefix.length);
  return at === -1 ? undefined : key.slice(0, at + delimiter.length);
}
