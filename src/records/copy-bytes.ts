/**
 * The two copies of LZ77-style decoders (lz4-frame.ts, snappy-block.ts): literals from the input,
 * and matches from the output already written.
 */

/** Below this many bytes a copy is made byte by byte, which costs less than a native copy's call. */
const SHORT_COPY = 32;

/** Copy src[from, from + n) to dst at `to`. */
export function copyLiteral(src: Buffer, from: number, dst: Buffer, to: number, n: number): void {
  if (n < SHORT_COPY) {
    for (let i = 0; i < n; i++) dst[to + i] = src[from + i]!;
  } else {
    src.copy(dst, to, from, from + n);
  }
}

/**
 * Copy n bytes of dst from `from` to `to` (to > from). Where they overlap (to - from < n) the
 * copy repeats the last to - from bytes, as LZ77 matches mean: byte by byte, in order.
 */
export function copyMatch(dst: Buffer, from: number, to: number, n: number): void {
  if (to - from >= n && n >= SHORT_COPY) {
    dst.copyWithin(to, from, from + n);
  } else {
    for (let i = 0; i < n; i++) dst[to + i] = dst[from + i]!;
  }
}
