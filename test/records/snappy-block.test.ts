import {randomBytes} from 'node:crypto';
import {describe, expect, it} from 'vitest';
import * as snappy from 'snappy';
import {decodeSnappyBlock, snappyBlockLength} from '../../src/records/snappy-block.js';
import {CompressionType} from '../../src/records/batch-header.js';
import {compress, decompress, withDecompressed} from '../../src/records/compression.js';
import {CorruptRecordError} from '../../src/records/errors.js';
import {CountingBuffers, decodeEveryDamagedCopy, json} from './helpers/decoder-buffers.js';
import {inputBehindOutput} from '../../src/records/reused-buffer.js';

/**
 * Decode a whole raw block into a buffer of its declared length, and again within one buffer that
 * holds the block behind its output (as compression.ts decodes): both must give the same bytes.
 */
function decode(block: Buffer): Buffer {
  const {length} = snappyBlockLength(block, 0, block.length);
  const out = Buffer.alloc(length);
  expect(decodeSnappyBlock(block, 0, block.length, out, 0)).toBe(length);
  const shared = inputBehindOutput(new CountingBuffers(), block, length);
  expect(decodeSnappyBlock(shared, length, length + block.length, shared, 0)).toBe(length);
  expect(shared.subarray(0, length).equals(out)).toBe(true);
  return out;
}

/** The varint preamble of a raw block. */
function preamble(length: number): Buffer {
  const bytes: number[] = [];
  for (let v = length; ; v = Math.floor(v / 128)) {
    if (v < 128) {
      bytes.push(v);
      return Buffer.from(bytes);
    }
    bytes.push((v % 128) | 0x80);
  }
}

describe('decodeSnappyBlock', () => {
  const cases: Array<[string, Buffer]> = [
    ['empty', Buffer.alloc(0)],
    ['one byte', Buffer.from('x')],
    ['compressible JSON', json(20_000)],
    ['random bytes (long literals)', randomBytes(200 * 1024)],
    ['1 MiB of one byte (the most a block expands)', Buffer.alloc(1024 * 1024, 7)],
  ];

  it.each(cases)('decodes what the snappy binding writes, as it reads it: %s', (_, plain) => {
    const block = snappy.compressSync(plain);
    const out = decode(block);
    expect(out.equals(plain)).toBe(true);
    expect(out.equals(snappy.uncompressSync(block, {asBuffer: true}) as Buffer)).toBe(true);
  });

  it('reads every element form: literal lengths of 1-4 extra bytes, copies with 1-, 2- and 4-byte offsets', () => {
    const literal = randomBytes(70_000);
    // A literal whose length (minus one) takes 3 bytes (tag 62), then one taking 4 (tag 63).
    const len3 = Buffer.from([62 << 2, (literal.length - 1) & 0xff, ((literal.length - 1) >> 8) & 0xff, (literal.length - 1) >> 16]);
    const len4 = Buffer.from([63 << 2, 2, 0, 0, 0]); // 3 bytes
    // Copies of the last 8 bytes: 1-byte offset (length 4 + 4), 2-byte offset (length 8), 4-byte offset (length 8).
    const copy1 = Buffer.from([0x01 | (4 << 2), 8]);
    const copy2 = Buffer.from([0x02 | (7 << 2), 8, 0]);
    const copy4 = Buffer.from([0x03 | (7 << 2), 8, 0, 0, 0]);
    const body = Buffer.concat([len3, literal, len4, Buffer.from('abc'), copy1, copy2, copy4]);
    const plain = Buffer.concat([literal, Buffer.from('abc')]);
    const tail = plain.subarray(plain.length - 8);
    const expected = Buffer.concat([plain, tail, tail, tail]);
    expect(decode(Buffer.concat([preamble(expected.length), body])).equals(expected)).toBe(true);
  });

  it('refuses to decode within one buffer where the output would overwrite the block', () => {
    const block = snappy.compressSync(json(100));
    const {length} = snappyBlockLength(block, 0, block.length);
    const shared = inputBehindOutput(new CountingBuffers(), block, length - 1);
    expect(() => decodeSnappyBlock(shared, length - 1, length - 1 + block.length, shared, 0)).toThrow(/would overwrite its input/);
  });

  it('repeats bytes for an overlapping copy (offset shorter than its length)', () => {
    // "ab", then a copy of 10 at offset 2.
    const block = Buffer.concat([preamble(12), Buffer.from([1 << 2, 0x61, 0x62, 0x02 | (9 << 2), 2, 0])]);
    expect(decode(block).toString()).toBe('abababababab');
  });

  it('refuses malformed blocks', () => {
    const bad = (block: Buffer) => () => decode(block);
    expect(bad(Buffer.concat([preamble(5), Buffer.from([0x01, 0])]))).toThrow(/copy offset 0 points before the block/);
    expect(bad(Buffer.concat([preamble(6), Buffer.from([0, 0x61, 0x02 | (4 << 2), 2, 0])]))).toThrow(/copy offset 2 points before the block/);
    expect(bad(Buffer.concat([preamble(2), Buffer.from([2 << 2, 0x61, 0x62, 0x63])]))).toThrow(/output exceeds the declared length 2/);
    expect(bad(Buffer.concat([preamble(4), Buffer.from([2 << 2, 0x61, 0x62, 0x63])]))).toThrow(/declares 4 bytes, its elements hold 3/);
    expect(bad(Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x01]))).toThrow(/longer than 5 bytes/);
  });

  it('refuses a declared length its input cannot make before allocating it (4 GiB from 6 bytes)', async () => {
    const bomb = Buffer.concat([preamble(2 ** 32 - 1), Buffer.from([0x01])]);
    expect(() => snappyBlockLength(bomb, 0, bomb.length)).toThrow(/declared length 4294967295 cannot come from 1 bytes/);
    await expect(decompress(CompressionType.Snappy, bomb)).rejects.toThrow(CorruptRecordError);
  });

  it('fails every truncation and damaged byte with CorruptRecordError only', () => {
    const block = snappy.compressSync(json(200));
    for (let n = 0; n < block.length; n++) {
      expect(() => decode(block.subarray(0, n))).toThrow(CorruptRecordError);
    }
    decodeEveryDamagedCopy(block, 0, (damaged) => {
      const {length} = snappyBlockLength(damaged, 0, damaged.length);
      decodeSnappyBlock(damaged, 0, damaged.length, Buffer.alloc(length), 0);
    });
  });
});

describe('snappy through compression.ts', () => {
  it('decodes xerial framing of several blocks and raw snappy alike, into a reused buffer for withDecompressed', async () => {
    const plain = json(10_000); // several 32 KiB xerial blocks
    const framed = await compress(CompressionType.Snappy, plain);
    expect((await decompress(CompressionType.Snappy, framed)).equals(plain)).toBe(true);
    const a = await withDecompressed(CompressionType.Snappy, framed, (out) => ({buffer: out.buffer, same: out.equals(plain)}));
    const b = await withDecompressed(CompressionType.Snappy, snappy.compressSync(plain), (out) => ({buffer: out.buffer, same: out.equals(plain)}));
    expect(a.same && b.same).toBe(true);
    expect(b.buffer).toBe(a.buffer);
  });
});
