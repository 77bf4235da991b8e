import {randomBytes} from 'node:crypto';
import {describe, expect, it} from 'vitest';
import * as zstd from '@mongodb-js/zstd';
import {MAX_ZSTD_OUTPUT, ZstdFrameDecoder, zstdFrames} from '../../src/records/zstd-frames.js';
import {ReusedBuffer} from '../../src/records/reused-buffer.js';
import {CompressionType} from '../../src/records/batch-header.js';
import {compress, decompress, withDecompressed} from '../../src/records/compression.js';
import {CorruptRecordError} from '../../src/records/errors.js';
import {CountingBuffers, decodeEveryDamagedCopy, json} from './helpers/decoder-buffers.js';
import {binding, streamed} from './helpers/zstd-streamed.js';

/** `zstd -c` of 'kafka kafka kafka kafka records': streamed (no content size), with a checksum. */
const ZSTD_STREAMED = Buffer.from('28b52ffd04589d0000686b61666b61207265636f7264730100f14a11c5cdbe57', 'hex');
const STREAMED_TEXT = 'kafka kafka kafka kafka records';

/** A skippable frame (magic 0x184D2A50-5F): readers pass over it. */
function skippable(content: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32LE(0x184d2a53, 0);
  header.writeUInt32LE(content.length, 4);
  return Buffer.concat([header, content]);
}

describe('ZstdFrameDecoder', () => {
  const decoder = new ZstdFrameDecoder(binding);
  const cases: Array<[string, Buffer]> = [
    ['empty', Buffer.alloc(0)],
    ['tiny', Buffer.from('kafka')],
    ['compressible JSON (several 128 KiB blocks)', json(20_000)],
    ['random', randomBytes(300 * 1024)],
    ['3 MiB of one byte (grows the output several times)', Buffer.alloc(3 * 1024 * 1024, 7)],
  ];
  for (const [name, plain] of cases) {
    it(`decodes what zstd writes, with and without the content size: ${name}`, async () => {
      for (const frame of [await zstd.compress(plain), streamed(plain)]) {
        const buffers = new CountingBuffers();
        const out = decoder.decode(frame, buffers);
        expect(out.equals(plain)).toBe(true);
        expect(out.equals(await zstd.decompress(frame))).toBe(true);
        // Every buffer replaced by a bigger one was given back; the one holding the output was not.
        expect(buffers.given.length).toBe(buffers.taken.length - 1);
        expect(out.buffer).toBe(buffers.taken.at(-1)!.buffer);
      }
    });
  }

  it('decodes concatenated frames one after the other, passing over skippable ones', async () => {
    const frames = Buffer.concat([await zstd.compress(Buffer.from('first ')), skippable(Buffer.from('ignored')), streamed(Buffer.from('second ')), ZSTD_STREAMED]);
    expect(decoder.decode(frames, new CountingBuffers()).toString()).toBe(`first second ${STREAMED_TEXT}`);
  });

  it('checks the content checksum of a frame that has one', () => {
    expect(decoder.decode(ZSTD_STREAMED, new CountingBuffers()).toString()).toBe(STREAMED_TEXT);
    const bad = Buffer.from(ZSTD_STREAMED);
    bad[bad.length - 1] ^= 0x01;
    expect(() => decoder.decode(bad, new CountingBuffers())).toThrow(CorruptRecordError);
    expect(() => decoder.decode(bad, new CountingBuffers())).toThrow(/checksum/i);
  });

  it('refuses data that decodes to more than its limit, having given back what it took, and decodes the next', async () => {
    expect(MAX_ZSTD_OUTPUT).toBe(256 * 1024 * 1024);
    const small = new ZstdFrameDecoder(binding, 1024 * 1024);
    const bomb = await zstd.compress(Buffer.alloc(3 * 1024 * 1024, 1)); // ~100 bytes
    const buffers = new CountingBuffers();
    expect(() => small.decode(bomb, buffers)).toThrow(/zstd data of \d+ bytes decodes to more than 1048576 bytes/);
    expect(buffers.given.length).toBe(buffers.taken.length);
    // Never more than the limit was taken, though buffers double as they grow.
    expect(Math.max(...buffers.taken.map((b) => b.length))).toBeLessThanOrEqual(2 * 1024 * 1024);
    // Exactly the limit is still fine, and the context starts afresh after the refusal.
    expect(small.decode(await zstd.compress(Buffer.alloc(1024 * 1024, 2)), new CountingBuffers()).equals(Buffer.alloc(1024 * 1024, 2))).toBe(true);
  });

  it('fails every truncation and damaged byte with CorruptRecordError only, giving back what it took', async () => {
    const first = await zstd.compress(json(300));
    const frame = Buffer.concat([first, ZSTD_STREAMED]);
    // Cut where the first frame ends, the data is whole: one frame.
    expect(decoder.decode(frame.subarray(0, first.length), new CountingBuffers()).equals(json(300))).toBe(true);
    for (let n = 0; n < frame.length; n++) {
      if (n === first.length) continue;
      const buffers = new CountingBuffers();
      expect(() => decoder.decode(frame.subarray(0, n), buffers)).toThrow(CorruptRecordError);
      expect(buffers.given.length).toBe(buffers.taken.length);
    }
    decodeEveryDamagedCopy(frame, 0, (damaged) => decoder.decode(damaged, new CountingBuffers()));
    // A failure mid-frame leaves the context ready for the next frame.
    expect(decoder.decode(frame, new CountingBuffers()).toString()).toBe(json(300).toString() + STREAMED_TEXT);
  });

  it('decodes one batch after another into the same reused memory', async () => {
    const reused = new ReusedBuffer();
    const first = decoder.decode(await zstd.compress(json(100)), reused);
    const second = decoder.decode(streamed(json(2000)), reused);
    expect(second.buffer).toBe(first.buffer);
    expect(second.equals(json(2000))).toBe(true);
  });
});

describe('zstd through compression.ts', () => {
  it('uses zstd-napi here (an optional dependency that npm ci builds)', () => {
    expect(zstdFrames).toBeDefined();
  });

  it('hands zstd records to the reader in a reused buffer; decompress() returns a copy of its own', async () => {
    const frame = await compress(CompressionType.Zstd, json(100));
    const a = await withDecompressed(CompressionType.Zstd, frame, (plain) => ({buffer: plain.buffer, text: plain.toString()}));
    const b = await withDecompressed(CompressionType.Zstd, streamed(json(50)), (plain) => plain.buffer);
    expect(b).toBe(a.buffer);
    expect(a.text).toBe(json(100).toString());
    const kept = await decompress(CompressionType.Zstd, frame);
    await withDecompressed(CompressionType.Zstd, await compress(CompressionType.Zstd, Buffer.alloc(5000, 9)), () => undefined);
    expect(kept.equals(json(100))).toBe(true);
    expect(kept.buffer).not.toBe(a.buffer);
  });

  it('reports data that does not decode as CorruptRecordError naming zstd, and the reader\'s own errors as they are', async () => {
    await expect(withDecompressed(CompressionType.Zstd, Buffer.from('not zstd at all'), () => 1)).rejects.toThrow(CorruptRecordError);
    await expect(decompress(CompressionType.Zstd, Buffer.from('not zstd at all'))).rejects.toThrow(/zstd/);
    const frame = await compress(CompressionType.Zstd, json(10));
    await expect(withDecompressed(CompressionType.Zstd, frame, () => { throw new RangeError('reader'); })).rejects.toThrow(RangeError);
  });
});
