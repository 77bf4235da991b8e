/**
 * Raw snappy decoding in JavaScript, into a buffer the caller supplies (the block format of
 * google/snappy's format_description.txt). For the same reason as lz4-frame.ts: the `snappy`
 * binding returns a fresh Buffer per block, and on the Produce path (every compressed batch is
 * decompressed to check its records) those buffers cost the broker more in garbage collection
 * than the decoding itself (4 mark-compacts per 40 MB produced by kcat with snappy).
 */
import {copyLiteral, copyMatch} from './copy-bytes.js';
import {CorruptRecordError} from './errors.js';

/** The longest copy an element makes. */
const MAX_COPY = 64;

/** The decoded length a raw snappy block src[pos, end) declares, and where its elements start. */
export function snappyBlockLength(src: Buffer, pos: number, end: number): {length: number; elements: number} {
  let length = 0;
  for (let shift = 0; shift < 35; shift += 7) {
    if (pos >= end) throw malformed('truncated length preamble');
    const b = src[pos++]!;
    length += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) {
      // No element makes more than 64 bytes of 3 (a 2-byte-offset copy): a larger claim is refused
      // before anything is allocated for it.
      if (length > Math.ceil(((end - pos) * MAX_COPY) / 3)) throw malformed(`declared length ${length} cannot come from ${end - pos} bytes`);
      return {length, elements: pos};
    }
  }
  throw malformed('length preamble longer than 5 bytes');
}

/**
 * Decode the raw snappy block src[pos, end) to dst at `dp`, which must have room for the length
 * it declares (snappyBlockLength); returns where its output ends. Copies may only reach back into
 * this block's own output. `src` may be `dst`, with the block beyond the output's end.
 */
export function decodeSnappyBlock(src: Buffer, pos: number, end: number, dst: Buffer, dp: number): number {
  const {length, elements} = snappyBlockLength(src, pos, end);
  const start = dp;
  const stop = dp + length;
  if (stop > dst.length) throw new RangeError(`snappy output needs ${length} bytes at ${dp}, the buffer has ${dst.length}`);
  if (src === dst && stop > pos) throw new RangeError(`snappy output of ${length} bytes at ${dp} would overwrite its input at ${pos}`);
  let sp = elements;
  while (sp < end) {
    const tag = src[sp++]!;
    const type = tag & 3;
    if (type === 0) {
      let literal = tag >>> 2;
      if (literal >= 60) {
        const bytes = literal - 59;
        if (sp + bytes > end) throw malformed('truncated literal length');
        literal = 0;
        for (let i = 0; i < bytes; i++) literal += src[sp + i]! * 2 ** (8 * i);
        sp += bytes;
      }
      literal += 1;
      if (sp + literal > end) throw malformed('literal runs past the block');
      if (dp + literal > stop) throw malformed(`output exceeds the declared length ${length}`);
      copyLiteral(src, sp, dst, dp, literal);
      sp += literal;
      dp += literal;
      continue;
    }
    let copy: number;
    let offset: number;
    if (type === 1) {
      if (sp + 1 > end) throw malformed('truncated copy offset');
      copy = 4 + ((tag >>> 2) & 7);
      offset = ((tag >>> 5) << 8) | src[sp++]!;
    } else if (type === 2) {
      if (sp + 2 > end) throw malformed('truncated copy offset');
      copy = 1 + (tag >>> 2);
      offset = src[sp]! | (src[sp + 1]! << 8);
      sp += 2;
    } else {
      if (sp + 4 > end) throw malformed('truncated copy offset');
      copy = 1 + (tag >>> 2);
      offset = src.readUInt32LE(sp);
      sp += 4;
    }
    if (offset === 0 || dp - offset < start) throw malformed(`copy offset ${offset} points before the block`);
    if (dp + copy > stop) throw malformed(`output exceeds the declared length ${length}`);
    copyMatch(dst, dp - offset, dp, copy);
    dp += copy;
  }
  if (dp !== stop) throw malformed(`declares ${length} bytes, its elements hold ${dp - start}`);
  return dp;
}

function malformed(what: string): CorruptRecordError {
  return new CorruptRecordError(`malformed snappy block: ${what}`);
}
