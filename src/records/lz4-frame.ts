/**
 * LZ4 frame decoding in JavaScript, into buffers the caller supplies (the frame format of lz4's
 * doc/lz4_Frame_format.md, as Kafka's Lz4BlockInputStream reads it: independent blocks only).
 *
 * Why not lz4-napi's decompressFrame: every call returns a fresh Buffer, and on the Produce path
 * (each compressed batch is decompressed to check its records) those buffers were the broker's
 * largest cost. Fresh memory is page-faulted in at first touch, and V8 answers the external
 * memory with full garbage collections: 3 mark-compacts (40-56 ms) per 40 MB produced by kcat with
 * lz4. Measured on this project's VM, on the batches kcat wrote, decompressing and throwing the
 * output away: lz4-napi 0.3-0.45 GB/s, this decoder into one reused buffer 1.4 GB/s (0.55-0.9 GB/s
 * on compressible JSON, where lz4-napi reached 0.35-0.48).
 */
import {CorruptRecordError} from './errors.js';
import {copyLiteral, copyMatch} from './copy-bytes.js';
import {inputBehindOutput, type OutputBuffers} from './reused-buffer.js';
import {xxhash32} from './xxhash32.js';

const LZ4_MAGIC = 0x184d2204;

// FLG bits
const FLG_BLOCK_INDEPENDENCE = 0x20;
const FLG_BLOCK_CHECKSUM = 0x10;
const FLG_CONTENT_SIZE = 0x08;
const FLG_CONTENT_CHECKSUM = 0x04;
const FLG_RESERVED = 0x02;
const FLG_DICT_ID = 0x01;
/** The high bit of a block's size word: the block is stored uncompressed. */
const UNCOMPRESSED_BLOCK = 0x80000000;
/** Every sequence but the last ends in a match of at least this many bytes. */
const MIN_MATCH = 4;

/** Check the frame's magic, version and block independence (what Kafka requires), for a clear message up front. */
function checkLz4Frame(data: Buffer): void {
  if (data.length < 7) throw new CorruptRecordError(`lz4 frame too short (${data.length} bytes)`);
  if (data.readUInt32LE(0) !== LZ4_MAGIC) {
    throw new CorruptRecordError(`not an lz4 frame (magic 0x${data.readUInt32LE(0).toString(16)})`);
  }
  const flg = data[4]!;
  if (flg >> 6 !== 1) throw new CorruptRecordError(`unsupported lz4 frame version ${flg >> 6}`);
  if ((flg & FLG_BLOCK_INDEPENDENCE) === 0) throw new CorruptRecordError('lz4 frame uses dependent blocks, which Kafka does not support');
}

/**
 * Decode the lz4 frame `src` into a buffer from `buffers`; returns a view of the decoded bytes in
 * it (the caller gives that buffer back when done): one buffer, taken once, and given back on an
 * error. With `ignoreHeaderChecksum` (magic 0 era messages, whose clients computed it over the
 * wrong bytes, as Kafka's ignoreFlagDescriptorChecksum) the frame descriptor's checksum is not
 * checked.
 */
export function decodeLz4Frame(src: Buffer, buffers: OutputBuffers, ignoreHeaderChecksum = false): Buffer {
  checkLz4Frame(src);
  const flg = src[4]!;
  const bd = src[5]!;
  if ((flg & FLG_RESERVED) !== 0 || (bd & 0x8f) !== 0) throw new CorruptRecordError('lz4 frame descriptor has reserved bits set');
  if ((flg & FLG_DICT_ID) !== 0) throw new CorruptRecordError('lz4 frame needs a dictionary, which Kafka does not use');
  const blockSizeId = (bd >> 4) & 0x07;
  if (blockSizeId < 4) throw new CorruptRecordError(`unsupported lz4 block size id ${blockSizeId}`);
  const maxBlockSize = 1 << (8 + 2 * blockSizeId); // 4: 64 KiB, 5: 256 KiB, 6: 1 MiB, 7: 4 MiB
  const descriptorEnd = 6 + ((flg & FLG_CONTENT_SIZE) !== 0 ? 8 : 0);
  if (src.length <= descriptorEnd) throw new CorruptRecordError('truncated lz4 frame descriptor');
  if (!ignoreHeaderChecksum && src[descriptorEnd] !== ((xxhash32(src.subarray(4, descriptorEnd)) >>> 8) & 0xff)) {
    throw new CorruptRecordError('lz4 frame descriptor checksum mismatch');
  }
  const contentSize = (flg & FLG_CONTENT_SIZE) !== 0 ? src.readUInt32LE(6) + src.readUInt32LE(10) * 2 ** 32 : -1;
  const blocksStart = descriptorEnd + 1;
  // The frame is copied to `inputAt`, behind the most output it can decode to: a record of ~100
  // bytes is often a literal run of its own, and a copy within one buffer costs a third as much
  // (copy-bytes.ts).
  const inputAt = decodedBound(src, blocksStart, maxBlockSize, (flg & FLG_BLOCK_CHECKSUM) !== 0);
  const out = inputBehindOutput(buffers, src, inputAt);
  let sp = blocksStart;
  let dp = 0;
  try {
    for (;;) {
      if (sp + 4 > src.length) throw new CorruptRecordError('truncated lz4 frame: no end mark');
      const word = src.readUInt32LE(sp);
      sp += 4;
      if (word === 0) break;
      const size = (word & ~UNCOMPRESSED_BLOCK) >>> 0;
      if (size > maxBlockSize) throw new CorruptRecordError(`lz4 block of ${size} bytes exceeds the frame's maximum of ${maxBlockSize}`);
      const end = sp + size;
      if (end > src.length) throw new CorruptRecordError(`truncated lz4 block: ${size} bytes declared, ${src.length - sp} present`);
      if ((word & UNCOMPRESSED_BLOCK) !== 0) {
        out.copyWithin(dp, inputAt + sp, inputAt + end);
        dp += size;
      } else {
        dp = decodeBlock(out, inputAt + sp, inputAt + end, dp, Math.min(dp + maxBlockSize, inputAt));
      }
      sp = end;
      if ((flg & FLG_BLOCK_CHECKSUM) !== 0) {
        if (sp + 4 > src.length) throw new CorruptRecordError('truncated lz4 block checksum');
        if (src.readUInt32LE(sp) !== xxhash32(src.subarray(end - size, end))) throw new CorruptRecordError('lz4 block checksum mismatch');
        sp += 4;
      }
    }
    if ((flg & FLG_CONTENT_CHECKSUM) !== 0) {
      if (sp + 4 > src.length) throw new CorruptRecordError('truncated lz4 content checksum');
      if (src.readUInt32LE(sp) !== xxhash32(out.subarray(0, dp))) throw new CorruptRecordError('lz4 content checksum mismatch');
    }
    if (contentSize >= 0 && contentSize !== dp) throw new CorruptRecordError(`lz4 frame declares ${contentSize} bytes of content, its blocks hold ${dp}`);
    return out.subarray(0, dp);
  } catch (err) {
    buffers.give(out);
    throw err;
  }
}

/**
 * The most bytes the blocks from `sp` on can decode to: a stored block its size, a compressed one
 * its frame's maximum block size or 255 bytes per byte of it, whichever is less (a sequence of n
 * bytes makes at most 255n: a literal byte makes one, and a match of token, offset and k length
 * bytes at most 19 + 255k from k + 3). Blocks the frame does not hold whole are left to the
 * decode loop, which refuses them.
 */
function decodedBound(src: Buffer, sp: number, maxBlockSize: number, blockChecksums: boolean): number {
  let bound = 0;
  while (sp + 4 <= src.length) {
    const word = src.readUInt32LE(sp);
    if (word === 0) break;
    const size = (word & ~UNCOMPRESSED_BLOCK) >>> 0;
    if (size > maxBlockSize || sp + 4 + size > src.length) break;
    bound += (word & UNCOMPRESSED_BLOCK) !== 0 ? size : Math.min(maxBlockSize, size * 255);
    sp += 4 + size + (blockChecksums ? 4 : 0);
  }
  return bound;
}

/**
 * Decode the lz4 block buf[sp, end) to buf at `dp` (input and output share one buffer, the input
 * beyond `limit`); the block's output may not pass `limit` and its matches may not reach before
 * `dp` (blocks are independent). Returns where its output ends.
 */
function decodeBlock(buf: Buffer, sp: number, end: number, dp: number, limit: number): number {
  const blockStart = dp;
  for (;;) {
    if (sp >= end) throw malformed('no literals where a sequence starts');
    const token = buf[sp++]!;
    let literals = token >>> 4;
    if (literals === 15) {
      const next = lengthBytesEnd(buf, sp, end, 'literal length');
      literals += 255 * (next - sp - 1) + buf[next - 1]!;
      sp = next;
    }
    if (sp + literals > end) throw malformed('literals run past the block');
    if (dp + literals > limit) throw malformed('output exceeds the maximum block size');
    copyLiteral(buf, sp, buf, dp, literals);
    sp += literals;
    dp += literals;
    // The last sequence is literals only.
    if (sp === end) return dp;
    if (sp + 2 > end) throw malformed('truncated match offset');
    const offset = buf[sp]! | (buf[sp + 1]! << 8);
    sp += 2;
    let match = token & 15;
    if (match === 15) {
      const next = lengthBytesEnd(buf, sp, end, 'match length');
      match += 255 * (next - sp - 1) + buf[next - 1]!;
      sp = next;
    }
    match += MIN_MATCH;
    if (offset === 0 || dp - offset < blockStart) throw malformed(`match offset ${offset} points before the block`);
    if (dp + match > limit) throw malformed('output exceeds the maximum block size');
    copyMatch(buf, dp - offset, dp, match);
    dp += match;
  }
}

/**
 * Where the bytes that extend a length of 15 end: a run of 255s and one byte below 255, starting
 * at `sp` (they add 255 per byte of the run, then the last byte).
 */
function lengthBytesEnd(src: Buffer, sp: number, end: number, what: string): number {
  while (sp < end && src[sp] === 255) sp++;
  if (sp >= end) throw malformed(`${what} runs past the block`);
  return sp + 1;
}

function malformed(what: string): CorruptRecordError {
  return new CorruptRecordError(`malformed lz4 block: ${what}`);
}
