/**
 * The two copies of LZ77-style decoders (lz4-frame.ts, snappy-block.ts): literals from the input,
 * and matches from the output already written.
 */

/** Below this many bytes a copy is made byte by byte, which costs less than a native copy's call. */
const SHORT_COPY = 32;
/**
 * The same within one buffer, where copyWithin is the native copy: about a third of what
 * Buffer.copy costs per call (which makes a view of its source each time), ~20 against ~75 ns for
 * ~100 bytes here. The decoders lay their input out behind their output for this.
 */
const SHORT_COPY_WITHIN = 16;

/** Copy src[from, from + n) to dst at `to`; where src is dst, the two ranges must not overlap. */
export function copyLiteral(src: Buffer, from: number, dst: Buffer, to: number, n: number): void {
  if (n < (src === dst ? SHORT_COPY_WITHIN : SHORT_COPY)) {
    for (let i = 0; i < n; i++) dst[to + i] = src[from + i]!;
  } else if (src === dst) {
    dst.copyWithin(to, from, from + n);
  } else {
    src.copy(dst, to, from, from + n);
  }
}

/**
 * Copy n bytes of dst from `from` to `to` (to > from). Where they overlap (to - from < n) the
 * copy repeats the last to - from bytes, as LZ77 matches mean: byte by byte, in order.
 */
export function copyMatch(dst: Buffer, from: number, to: number, n: number): void {
  if (to - from >= n && n >= SHORT_COPY_WITHIN) {
    dst.copyWithin(to, from, from + n);
  } else {
    for (let i = 0; i < n; i++) dst[to + i] = dst[from + i]!;
  }
}
