import {describe, expect, it} from 'vitest';
import {segmentIndexFor} from '../../src/storage/segment-search.js';

const segments = [0n, 100n, 250n, 900n].map((baseOffset) => ({baseOffset}));

describe('segmentIndexFor', () => {
  it('finds the segment whose range holds the offset: its base at or below, the next one above', () => {
    expect([0n, 99n, 100n, 249n, 250n, 899n, 900n, 5000n].map((o) => segmentIndexFor(segments, o))).toEqual([0, 0, 1, 1, 2, 2, 3, 3]);
  });

  it('gives the first segment for an offset below it (a recovery point of -1) and for a single segment', () => {
    expect(segmentIndexFor(segments, -1n)).toBe(0);
    expect(segmentIndexFor([{baseOffset: 40n}], 7n)).toBe(0);
    expect(segmentIndexFor([{baseOffset: 40n}], 70n)).toBe(0);
  });
});
