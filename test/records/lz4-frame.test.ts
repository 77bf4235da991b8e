import {randomBytes} from 'node:crypto';
import {describe, expect, it} from 'vitest';
import * as lz4 from 'lz4-napi';
import {decodeLz4Frame} from '../../src/records/lz4-frame.js';
import {ReusedBuffer} from '../../src/records/reused-buffer.js';
import {CountingBuffers, decodeEveryDamagedCopy, json} from './helpers/decoder-buffers.js';
import {CompressionType} from '../../src/records/batch-header.js';
import {decompress, withDecompressed} from '../../src/records/compression.js';
import {CorruptRecordError} from '../../src/records/errors.js';
import {xxhash32} from '../../src/records/xxhash32.js';

/**
 * A frame built by hand, for the flags lz4-napi does not write: from stored (uncompressed) blocks,
 * and raw lz4 blocks given as {compressed}.
 */
function handFrame(blocks: Array<Buffer | {compressed: Buffer}>, options: {contentSize?: number; blockChecksums?: boolean; contentChecksum?: boolean; blockSizeId?: number} = {}): Buffer {
  const flg = 0x40 | 0x20 | (options.blockChecksums ? 0x10 : 0) | (options.contentSize !== undefined ? 0x08 : 0) | (options.contentChecksum ? 0x04 : 0);
  const descriptor = [Buffer.from([flg, (options.blockSizeId ?? 4) << 4])];
  if (options.contentSize !== undefined) {
    const size = Buffer.alloc(8);
    size.writeBigUInt64LE(BigInt(options.contentSize));
    descriptor.push(size);
  }
  const desc = Buffer.concat(descriptor);
  const parts = [Buffer.from([0x04, 0x22, 0x4d, 0x18]), desc, Buffer.from([(xxhash32(desc) >>> 8) & 0xff])];
  for (const given of blocks) {
    const block = Buffer.isBuffer(given) ? given : given.compressed;
    const word = Buffer.alloc(4);
    word.writeUInt32LE(Buffer.isBuffer(given) ? (0x80000000 | block.length) >>> 0 : block.length);
    parts.push(word, block);
    if (options.blockChecksums) {
      const sum = Buffer.alloc(4);
      sum.writeUInt32LE(xxhash32(block) >>> 0);
      parts.push(sum);
    }
  }
  parts.push(Buffer.alloc(4));
  if (options.contentChecksum) {
    const sum = Buffer.alloc(4);
    sum.writeUInt32LE(xxhash32(Buffer.concat(blocks as Buffer[])) >>> 0);
    parts.push(sum);
  }
  return Buffer.concat(parts);
}

/** A frame of one compressed block given as raw lz4 block bytes (max block size 64 KiB). */
const blockFrame = (block: Buffer) => handFrame([{compressed: block}]);

describe('decodeLz4Frame', () => {
  const cases: Array<[string, Buffer]> = [
    ['empty', Buffer.alloc(0)],
    ['one byte', Buffer.from('x')],
    ['compressible JSON over several 64 KiB blocks', json(20_000)],
    ['random bytes (stored as uncompressed blocks)', randomBytes(300 * 1024)],
    ['1 MiB of one byte (expands ~250 times)', Buffer.alloc(1024 * 1024, 7)],
  ];

  it.each(cases)('decodes what lz4-napi writes, as lz4-napi reads it: %s', (_, plain) => {
    const frame = lz4.compressFrameSync(plain);
    const buffers = new CountingBuffers();
    const out = decodeLz4Frame(frame, buffers);
    expect(out.equals(lz4.decompressFrameSync(frame))).toBe(true);
    expect(out.equals(plain)).toBe(true);
    // Every buffer replaced by a bigger one was given back; the one holding the output was not.
    expect(buffers.given.length).toBe(buffers.taken.length - 1);
    expect(out.buffer).toBe(buffers.taken.at(-1)!.buffer);
  });

  it('checks block and content checksums when the frame has them', () => {
    const plain = json(5_000);
    const frame = lz4.compressFrameSync(plain, {blockChecksums: true, contentChecksum: true});
    expect(frame[4]! & 0x14).toBe(0x14);
    expect(decodeLz4Frame(frame, new CountingBuffers()).equals(plain)).toBe(true);

    const badBlock = Buffer.from(frame);
    badBlock[20] ^= 0x01; // inside the first block's data
    expect(() => decodeLz4Frame(badBlock, new CountingBuffers())).toThrow(/lz4 block checksum mismatch/);

    const hand = handFrame([Buffer.from('hello '), Buffer.from('world')], {contentChecksum: true});
    expect(decodeLz4Frame(hand, new CountingBuffers()).toString()).toBe('hello world');
    const badContent = Buffer.from(hand);
    badContent[badContent.length - 1] ^= 0x01;
    expect(() => decodeLz4Frame(badContent, new CountingBuffers())).toThrow(/lz4 content checksum mismatch/);
  });

  it('checks the declared content size', () => {
    const blocks = [Buffer.from('hello '), Buffer.from('world')];
    expect(decodeLz4Frame(handFrame(blocks, {contentSize: 11}), new CountingBuffers()).toString()).toBe('hello world');
    expect(() => decodeLz4Frame(handFrame(blocks, {contentSize: 12}), new CountingBuffers())).toThrow(/declares 12 bytes of content, its blocks hold 11/);
  });

  it('checks the descriptor checksum unless told to ignore it (magic 0 era frames)', () => {
    const frame = handFrame([Buffer.from('abc')]);
    frame[6] ^= 0xff;
    expect(() => decodeLz4Frame(frame, new CountingBuffers())).toThrow(/descriptor checksum mismatch/);
    expect(decodeLz4Frame(frame, new CountingBuffers(), true).toString()).toBe('abc');
  });

  it('refuses what Kafka refuses: dependent blocks, dictionaries, reserved bits, oversized blocks', () => {
    const dependent = handFrame([Buffer.from('abc')]);
    dependent[4] &= ~0x20;
    expect(() => decodeLz4Frame(dependent, new CountingBuffers(), true)).toThrow(/dependent blocks/);
    const dictionary = handFrame([Buffer.from('abc')]);
    dictionary[4] |= 0x01;
    expect(() => decodeLz4Frame(dictionary, new CountingBuffers(), true)).toThrow(/dictionary/);
    const reserved = handFrame([Buffer.from('abc')]);
    reserved[5] |= 0x01;
    expect(() => decodeLz4Frame(reserved, new CountingBuffers(), true)).toThrow(/reserved bits/);
    const oversized = handFrame([Buffer.alloc(64 * 1024 + 1)]);
    expect(() => decodeLz4Frame(oversized, new CountingBuffers())).toThrow(/exceeds the frame's maximum of 65536/);
  });

  it('refuses malformed blocks: a match before the block, output past the maximum block size', () => {
    // Token: 1 literal, then a match of 4 at offset 2 (only 1 byte precedes it).
    expect(() => decodeLz4Frame(blockFrame(Buffer.from([0x10, 0x61, 0x02, 0x00, 0x00])), new CountingBuffers()))
      .toThrow(/match offset 2 points before the block/);
    // 1 literal, then a match of 15 + 255 * 300 bytes at offset 1: beyond 64 KiB of output.
    const long = Buffer.concat([Buffer.from([0x1f, 0x61, 0x01, 0x00]), Buffer.alloc(300, 255), Buffer.from([0, 0x00])]);
    expect(() => decodeLz4Frame(blockFrame(long), new CountingBuffers())).toThrow(/exceeds the maximum block size/);
    // A valid one for comparison: 1 literal, a match of 4 at offset 1, then a last literal.
    expect(decodeLz4Frame(blockFrame(Buffer.from([0x10, 0x61, 0x01, 0x00, 0x10, 0x62])), new CountingBuffers()).toString()).toBe('aaaaab');
  });

  it('takes one buffer: the most the blocks can decode to, then room for the frame behind it', () => {
    // 4 MiB blocks (size id 7); one compressed block of 6 bytes can make at most 255 bytes per byte.
    const small = blockFrame(Buffer.from([0x10, 0x61, 0x01, 0x00, 0x10, 0x62]));
    small[5] = 7 << 4;
    small[6] = (xxhash32(small.subarray(4, 6)) >>> 8) & 0xff;
    const buffers = new CountingBuffers();
    expect(decodeLz4Frame(small, buffers).toString()).toBe('aaaaab');
    expect(buffers.taken.map((b) => b.length)).toEqual([6 * 255 + small.length]);
    // Stored blocks count their own size; compressed ones at most the frame's block size (64 KiB):
    // 1 literal, a match of 4 + 15 + 255 * 251 at offset 1, a last literal: 258 bytes (255 times
    // that is past 64 KiB) making 64,026.
    const long = Buffer.concat([Buffer.from([0x1f, 0x61, 0x01, 0x00]), Buffer.alloc(251, 255), Buffer.from([0, 0x10, 0x62])]);
    const mixed = handFrame([{compressed: Buffer.from([0x10, 0x61, 0x01, 0x00, 0x10, 0x62])}, Buffer.from('stored'), {compressed: long}]);
    const counted = new CountingBuffers();
    expect(decodeLz4Frame(mixed, counted).toString()).toBe(`aaaaabstoreda${'a'.repeat(64_024)}b`);
    expect(counted.taken.map((b) => b.length)).toEqual([6 * 255 + 6 + 65_536 + mixed.length]);
  });

  it('fails every truncation and damaged byte with CorruptRecordError only, giving back what it took', () => {
    const frame = lz4.compressFrameSync(json(300));
    for (let n = 0; n < frame.length; n++) {
      const buffers = new CountingBuffers();
      expect(() => decodeLz4Frame(frame.subarray(0, n), buffers)).toThrow(CorruptRecordError);
      expect(buffers.given.length).toBe(buffers.taken.length);
    }
    // Damage in the blocks: decoded to other bytes or refused, never another error.
    decodeEveryDamagedCopy(frame, 7, (damaged) => decodeLz4Frame(damaged, new CountingBuffers()));
  });
});

describe('ReusedBuffer', () => {
  it('decodes one frame after another into the same memory, grown when needed', () => {
    const reused = new ReusedBuffer();
    // The larger frame first: a frame takes room for its input as well as its output.
    const first = decodeLz4Frame(lz4.compressFrameSync(json(200)), reused);
    const second = decodeLz4Frame(lz4.compressFrameSync(json(100)), reused);
    expect(second.buffer).toBe(first.buffer);
    expect(second.equals(json(100))).toBe(true);
    const big = decodeLz4Frame(lz4.compressFrameSync(Buffer.alloc(3 * 1024 * 1024, 1)), reused);
    expect(big.equals(Buffer.alloc(3 * 1024 * 1024, 1))).toBe(true);
    expect(decodeLz4Frame(lz4.compressFrameSync(json(10)), reused).buffer).toBe(big.buffer);
  });

  it('keeps no buffer above its limit', () => {
    const reused = new ReusedBuffer(1024);
    const a = reused.take(4096);
    expect(reused.take(4096)).not.toBe(a);
    const kept = reused.take(1000);
    expect(reused.take(512)).toBe(kept);
  });
});

describe('withDecompressed', () => {
  it('hands lz4 records to the reader in a reused buffer, other codecs as decompress() does', async () => {
    const frame = lz4.compressFrameSync(json(100));
    const a = await withDecompressed(CompressionType.Lz4, frame, (plain) => ({buffer: plain.buffer, text: plain.toString()}));
    const b = await withDecompressed(CompressionType.Lz4, frame, (plain) => plain.buffer);
    expect(b).toBe(a.buffer);
    expect(a.text).toBe(json(100).toString());
    // decompress() returns a copy of its own, which the next decode does not overwrite.
    const kept = await decompress(CompressionType.Lz4, frame);
    await withDecompressed(CompressionType.Lz4, lz4.compressFrameSync(Buffer.alloc(5000, 9)), () => undefined);
    expect(kept.equals(json(100))).toBe(true);
    expect(kept.buffer).not.toBe(a.buffer);
  });

  it('reports a frame that does not decode as CorruptRecordError, and the reader\'s own errors as they are', async () => {
    await expect(withDecompressed(CompressionType.Lz4, Buffer.from('not lz4 at all'), () => 1)).rejects.toThrow(/not an lz4 frame/);
    const frame = lz4.compressFrameSync(json(10));
    await expect(withDecompressed(CompressionType.Lz4, frame, () => { throw new RangeError('reader'); })).rejects.toThrow(RangeError);
  });
});
