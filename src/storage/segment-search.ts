/**
 * Which segment of a log holds an offset: the last one, in offset order, whose base offset is at
 * or below it. Segments are sorted by base offset, so this is a binary search; an offset below the
 * first segment (or a log of one segment) gives 0.
 */
export function segmentIndexFor(segments: ReadonlyArray<{readonly baseOffset: bigint}>, offset: bigint): number {
  let lo = 0;
  let hi = segments.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (segments[mid]!.baseOffset <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
