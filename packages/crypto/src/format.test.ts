import { ciphertextLength, FRAME_SIZE, frameCount, frameRangeFor, TAG_SIZE } from './format';

const S = FRAME_SIZE + TAG_SIZE;

describe('ciphertextLength / frameCount', () => {
  it.each([
    [0, 1, 16],
    [1, 1, 17],
    [FRAME_SIZE - 1, 1, FRAME_SIZE - 1 + 16],
    [FRAME_SIZE, 1, S],
    [FRAME_SIZE + 1, 2, S + 17],
    [3 * FRAME_SIZE + 5, 4, 3 * S + 21],
  ])('plaintext %i -> %i frame(s), %i stored bytes', (len, frames, stored) => {
    expect(frameCount(len)).toBe(frames);
    expect(ciphertextLength(len)).toBe(stored);
  });

  it('rejects negative, fractional and oversized lengths', () => {
    expect(() => ciphertextLength(-1)).toThrow(RangeError);
    expect(() => ciphertextLength(1.5)).toThrow(RangeError);
    expect(() => ciphertextLength(2 ** 32 * FRAME_SIZE + 1)).toThrow(RangeError);
  });
});

describe('frameRangeFor', () => {
  const L = 3 * FRAME_SIZE + 5;

  it.each([
    ['first byte', 0, 0, { cipherStart: 0, cipherEnd: S - 1, firstFrame: 0, skip: 0, take: 1 }],
    ['last byte', L - 1, L - 1, { cipherStart: 3 * S, cipherEnd: 3 * S + 5 + 16 - 1, firstFrame: 3, skip: 4, take: 1 }],
    ['whole blob', 0, L - 1, { cipherStart: 0, cipherEnd: ciphertextLength(L) - 1, firstFrame: 0, skip: 0, take: L }],
    ['last byte of frame 0', FRAME_SIZE - 1, FRAME_SIZE - 1, { cipherStart: 0, cipherEnd: S - 1, firstFrame: 0, skip: FRAME_SIZE - 1, take: 1 }],
    ['first byte of frame 1', FRAME_SIZE, FRAME_SIZE, { cipherStart: S, cipherEnd: 2 * S - 1, firstFrame: 1, skip: 0, take: 1 }],
    ['across 0|1', FRAME_SIZE - 1, FRAME_SIZE, { cipherStart: 0, cipherEnd: 2 * S - 1, firstFrame: 0, skip: FRAME_SIZE - 1, take: 2 }],
    ['frames 1..2 exactly', FRAME_SIZE, 3 * FRAME_SIZE - 1, { cipherStart: S, cipherEnd: 3 * S - 1, firstFrame: 1, skip: 0, take: 2 * FRAME_SIZE }],
    ['across 2|3 to end', 3 * FRAME_SIZE - 10, L - 1, { cipherStart: 2 * S, cipherEnd: ciphertextLength(L) - 1, firstFrame: 2, skip: FRAME_SIZE - 10, take: 15 }],
  ])('%s', (_name, start, end, expected) => {
    expect(frameRangeFor(L, { start, end })).toEqual(expected);
  });

  it('single byte blob', () => {
    expect(frameRangeFor(1, { start: 0, end: 0 })).toEqual({ cipherStart: 0, cipherEnd: 16, firstFrame: 0, skip: 0, take: 1 });
  });

  it('rejects ranges outside the plaintext', () => {
    expect(() => frameRangeFor(0, { start: 0, end: 0 })).toThrow(RangeError);
    expect(() => frameRangeFor(10, { start: 5, end: 10 })).toThrow(RangeError);
    expect(() => frameRangeFor(10, { start: 5, end: 4 })).toThrow(RangeError);
    expect(() => frameRangeFor(10, { start: -1, end: 4 })).toThrow(RangeError);
  });
});
