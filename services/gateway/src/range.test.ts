import { parseRange } from './range';

describe('parseRange', () => {
  it('reads the three forms', () => {
    expect(parseRange('bytes=0-9', 100)).toEqual({ start: 0, end: 9 });
    expect(parseRange('bytes=90-', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=-10', 100)).toEqual({ start: 90, end: 99 });
  });

  it('clamps an end past the size and a suffix longer than the object', () => {
    expect(parseRange('bytes=50-1000', 100)).toEqual({ start: 50, end: 99 });
    expect(parseRange('bytes=-1000', 100)).toEqual({ start: 0, end: 99 });
  });

  it('answers 416 with Content-Range for a start past the size or any range on an empty object', () => {
    for (const [h, size] of [['bytes=100-', 100], ['bytes=0-0', 0], ['bytes=-5', 0], ['bytes=-0', 10]] as const) {
      expect(() => parseRange(h, size)).toThrow(
        expect.objectContaining({ code: 'InvalidRange', status: 416, headers: { 'content-range': `bytes */${size}` } }),
      );
    }
  });

  it('ignores unparsable or multiple ranges', () => {
    for (const h of ['bytes=abc', 'items=0-1', 'bytes=5-2', 'bytes=0-1,3-4', 'bytes=-', '']) expect(parseRange(h, 100)).toBeUndefined();
    expect(parseRange(undefined, 100)).toBeUndefined();
  });
});
