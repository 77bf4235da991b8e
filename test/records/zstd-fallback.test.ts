/** compression.ts without zstd-napi (an optional dependency that may fail to build): zstd is read by @mongodb-js/zstd. */
import {randomBytes} from 'node:crypto';
import {describe, expect, it, vi} from 'vitest';
import {CompressionType} from '../../src/records/batch-header.js';
import {compress, decompress, withDecompressed} from '../../src/records/compression.js';
import {CorruptRecordError} from '../../src/records/errors.js';
import {json} from './helpers/decoder-buffers.js';

vi.mock('../../src/records/zstd-frames.js', () => ({zstdFrames: undefined, zstdDecodeInto: () => { throw new Error('zstd-napi is not installed'); }}));
vi.mock('../../src/records/zstd-thread.js', () => ({zstdThread: undefined}));

describe('zstd without zstd-napi', () => {
  it('decompresses with @mongodb-js/zstd, a new buffer per batch', async () => {
    const frame = await compress(CompressionType.Zstd, json(1000));
    expect((await decompress(CompressionType.Zstd, frame)).equals(json(1000))).toBe(true);
    const a = await withDecompressed(CompressionType.Zstd, frame, (plain) => plain);
    const b = await withDecompressed(CompressionType.Zstd, frame, (plain) => plain);
    expect(a.equals(json(1000))).toBe(true);
    expect(b.buffer).not.toBe(a.buffer);
    // Large data too, which zstd-napi's thread would otherwise decode.
    const random = randomBytes(100 * 1024);
    const large = await compress(CompressionType.Zstd, random);
    expect(large.length).toBeGreaterThanOrEqual(64 * 1024);
    expect((await withDecompressed(CompressionType.Zstd, large, (plain) => Buffer.from(plain))).equals(random)).toBe(true);
  });

  it('reports data that does not decode as CorruptRecordError', async () => {
    await expect(decompress(CompressionType.Zstd, Buffer.from('not zstd at all'))).rejects.toThrow(CorruptRecordError);
    await expect(withDecompressed(CompressionType.Zstd, Buffer.from('not zstd at all'), () => 1)).rejects.toThrow(/cannot decompress zstd/);
  });
});
