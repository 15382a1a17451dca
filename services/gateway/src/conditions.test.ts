import { evaluateReadConditions, etagMatches } from './conditions';

const ETAG = '"abc"';
const MODIFIED = new Date('2026-01-10T12:00:00Z');
const BEFORE = 'Sat, 09 Jan 2026 12:00:00 GMT';
const AFTER = 'Mon, 11 Jan 2026 12:00:00 GMT';

const outcome = (cond: Parameters<typeof evaluateReadConditions>[0]) => {
  try {
    evaluateReadConditions(cond, ETAG, MODIFIED);
    return 200;
  } catch (err) {
    return (err as { status: number }).status;
  }
};

describe('read conditions', () => {
  it.each([
    [{ ifMatch: '"abc"' }, 200],
    [{ ifMatch: 'abc' }, 200],
    [{ ifMatch: '"nope"' }, 412],
    [{ ifMatch: '*' }, 200],
    [{ ifNoneMatch: '"abc"' }, 304],
    [{ ifNoneMatch: '"nope"' }, 200],
    [{ ifModifiedSince: BEFORE }, 200],
    [{ ifModifiedSince: AFTER }, 304],
    [{ ifUnmodifiedSince: BEFORE }, 412],
    [{ ifUnmodifiedSince: AFTER }, 200],
    // If-Match true wins over a failing If-Unmodified-Since (RFC 7232 §6, as S3 documents).
    [{ ifMatch: '"abc"', ifUnmodifiedSince: BEFORE }, 200],
    // If-None-Match false (no match) wins over If-Modified-Since that would give 304.
    [{ ifNoneMatch: '"nope"', ifModifiedSince: AFTER }, 200],
    [{ ifMatch: '"nope"', ifNoneMatch: '"abc"' }, 412],
    [{ ifModifiedSince: 'not a date' }, 200],
  ])('%j -> %d', (cond, status) => {
    expect(outcome(cond)).toBe(status);
  });

  it('matches lists and weak tags', () => {
    expect(etagMatches('"x", W/"abc"', ETAG)).toBe(true);
    expect(etagMatches('"x", "y"', ETAG)).toBe(false);
  });
});
