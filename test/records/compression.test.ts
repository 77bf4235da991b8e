import {randomBytes} from 'node:crypto';
import * as snappy from 'snappy';
import {describe, expect, it} from 'vitest';
import {CompressionType} from '../../src/records/batch-header.js';
import {compress, compressionName, decompress, parseCompressionType} from '../../src/records/compression.js';
import {CorruptRecordError} from '../../src/records/errors.js';
import {xxhash32} from '../../src/records/xxhash32.js';

const ALL = [CompressionType.None, CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd];
const TEXT = Buffer.from('kafka kafka kafka kafka records');

// Fixed vectors made by the reference command-line tools (`zstd -c`, `lz4 -c`, `gzip -9 -n -c`) of TEXT.
const ZSTD_STREAMED = '28b52ffd04589d0000686b61666b61207265636f7264730100f14a11c5cdbe57'; // no content size, with checksum
const LZ4_CLI = '04224d186440a7110000006e6b61666b61200600707265636f72647300000000191b3fd8'; // content checksum set
const GZIP_CLI = '1f8b0800000000000203cb4e4ccb4e54c8c6208b5293f38b528a016a0b97ef1f000000';

describe('compression round trips', () => {
  const inputs: [string, Buffer][] = [
    ['empty', Buffer.alloc(0)],
    ['text', TEXT],
    ['random 100 KiB (several xerial / lz4 blocks)', randomBytes(100 * 1024)],
    ['repetitive 300 KiB (async path)', Buffer.alloc(300 * 1024, 'abcdefgh')],
  ];
  for (const type of ALL) {
    for (const [name, data] of inputs) {
      it(`${compressionName(type)}: ${name}`, async () => {
        const packed = await compress(type, data);
        if (type !== CompressionType.None && data.length > 1000 && name.startsWith('repetitive')) {
          expect(packed.length).toBeLessThan(data.length / 4);
        }
        expect((await decompress(type, packed)).equals(data)).toBe(true);
      });
    }
  }
});

describe('snappy framing', () => {
  it('writes xerial framing with 32 KiB blocks, as the Java client does', async () => {
    const data = randomBytes(70 * 1024);
    const packed = await compress(CompressionType.Snappy, data);
    expect(packed.subarray(0, 16).toString('hex')).toBe('82534e41505059000000000100000001');
    // Walk the blocks: 32 KiB + 32 KiB + 6 KiB of input.
    const sizes: number[] = [];
    for (let pos = 16; pos < packed.length;) {
      const len = packed.readInt32BE(pos);
      const block = snappy.uncompressSync(packed.subarray(pos + 4, pos + 4 + len), {asBuffer: true}) as Buffer;
      sizes.push(block.length);
      pos += 4 + len;
    }
    expect(sizes).toEqual([32768, 32768, 6 * 1024]);
  });

  it('reads raw snappy (librdkafka, kafkajs) and a hand-made raw block', async () => {
    const raw = snappy.compressSync(TEXT);
    expect((await decompress(CompressionType.Snappy, raw)).equals(TEXT)).toBe(true);
    // varint length 5, literal tag (5-1)<<2, "hello"
    expect((await decompress(CompressionType.Snappy, Buffer.from('051068656c6c6f', 'hex'))).toString()).toBe('hello');
  });

  it('reads concatenated xerial streams', async () => {
    const a = await compress(CompressionType.Snappy, Buffer.from('first '));
    const b = await compress(CompressionType.Snappy, Buffer.from('second'));
    expect((await decompress(CompressionType.Snappy, Buffer.concat([a, b]))).toString()).toBe('first second');
  });

  it('rejects a xerial block running past the end', async () => {
    const packed = await compress(CompressionType.Snappy, TEXT);
    await expect(decompress(CompressionType.Snappy, packed.subarray(0, packed.length - 3))).rejects.toThrow(CorruptRecordError);
  });
});

describe('lz4 frames', () => {
  it('writes a standard frame Kafka accepts: version 1, independent blocks, correct header checksum', async () => {
    const packed = await compress(CompressionType.Lz4, TEXT);
    expect(packed.readUInt32LE(0)).toBe(0x184d2204);
    const flg = packed[4]!;
    expect(flg >> 6).toBe(1);
    expect(flg & 0x20).toBe(0x20); // block independence, required by Kafka's Lz4BlockInputStream
    expect(flg & 0x03).toBe(0); // reserved bits
    const bd = packed[5]!;
    expect((bd >> 4) & 7).toBeGreaterThanOrEqual(4);
    expect((bd >> 4) & 7).toBeLessThanOrEqual(7);
    const descEnd = 6 + ((flg & 0x08) ? 8 : 0);
    expect(packed[descEnd]).toBe((xxhash32(packed.subarray(4, descEnd)) >>> 8) & 0xff);
  });

  it('decodes the lz4 CLI output (content checksum set)', async () => {
    expect((await decompress(CompressionType.Lz4, Buffer.from(LZ4_CLI, 'hex'))).equals(TEXT)).toBe(true);
  });

  it('rejects dependent-block frames like Kafka', async () => {
    const frame = Buffer.from(LZ4_CLI, 'hex');
    frame[4] = frame[4]! & ~0x20;
    await expect(decompress(CompressionType.Lz4, frame)).rejects.toThrow(/dependent blocks/);
  });

  it('accepts the broken magic-0 header checksum only when asked', async () => {
    const frame = Buffer.from(LZ4_CLI, 'hex');
    // Old Kafka clients hashed the magic bytes too.
    frame[6] = (xxhash32(frame.subarray(0, 6)) >>> 8) & 0xff;
    expect(frame[6]).not.toBe(Buffer.from(LZ4_CLI, 'hex')[6]);
    await expect(decompress(CompressionType.Lz4, frame)).rejects.toThrow(CorruptRecordError);
    const out = await decompress(CompressionType.Lz4, frame, {legacyLz4HeaderChecksum: true});
    expect(out.equals(TEXT)).toBe(true);
  });

  it('rejects data that is not an lz4 frame', async () => {
    await expect(decompress(CompressionType.Lz4, Buffer.from('not lz4 at all'))).rejects.toThrow(/not an lz4 frame/);
  });
});

describe('gzip and zstd vectors', () => {
  it('decodes gzip CLI output', async () => {
    expect((await decompress(CompressionType.Gzip, Buffer.from(GZIP_CLI, 'hex'))).equals(TEXT)).toBe(true);
  });

  it('decodes a streamed zstd frame without content size (zstd-jni streams write these)', async () => {
    expect((await decompress(CompressionType.Zstd, Buffer.from(ZSTD_STREAMED, 'hex'))).equals(TEXT)).toBe(true);
  });

  it('turns codec failures into CorruptRecordError', async () => {
    for (const type of [CompressionType.Gzip, CompressionType.Snappy, CompressionType.Zstd]) {
      await expect(decompress(type, Buffer.from('garbage bytes here!'))).rejects.toThrow(CorruptRecordError);
    }
    await expect(decompress(6 as CompressionType, TEXT)).rejects.toThrow(/unsupported compression type id 6/);
  });
});

describe('names', () => {
  it('parses and names codecs', () => {
    expect(ALL.map(compressionName)).toEqual(['none', 'gzip', 'snappy', 'lz4', 'zstd']);
    expect(parseCompressionType('ZSTD')).toBe(CompressionType.Zstd);
    expect(() => parseCompressionType('brotli')).toThrow(/unknown compression type "brotli"/);
  });
});

describe('xxhash32', () => {
  it('matches the reference vectors', () => {
    expect(xxhash32(Buffer.alloc(0))).toBe(0x02cc5d05);
    expect(xxhash32(Buffer.from('abc'))).toBe(0x32d153ff);
    expect(xxhash32(Buffer.from('Nobody inspects the spammish repetition'))).toBe(0xe2293b2f);
  });
});
