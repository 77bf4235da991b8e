import {execFile} from 'node:child_process';
import {randomBytes} from 'node:crypto';
import {createRequire} from 'node:module';
import path from 'node:path';
import {promisify} from 'node:util';
import {describe, expect, it, vi} from 'vitest';
import {CompressionType} from '../../src/records/batch-header.js';
import {withDecompressed} from '../../src/records/compression.js';
import {CorruptRecordError} from '../../src/records/errors.js';
import {ZstdThread, zstdThread} from '../../src/records/zstd-thread.js';
import {json} from './helpers/decoder-buffers.js';
import {streamed} from './helpers/zstd-streamed.js';

const run = promisify(execFile);
const bindingPath = createRequire(import.meta.url).resolve('zstd-napi/binding');
const SIZES = {slots: 2, input: 256 * 1024, output: 1024 * 1024};

/** What `use` sees of a decode on the thread: a copy of the output, and whether it was in shared memory. */
const seen = (out: Buffer) => ({plain: Buffer.from(out), shared: out.buffer instanceof SharedArrayBuffer});

describe('ZstdThread', () => {
  it('decodes frames without a content size (as librdkafka writes them) on the thread, into shared memory', async () => {
    const thread = new ZstdThread(bindingPath, SIZES);
    for (const plain of [json(10_000), randomBytes(200 * 1024), Buffer.alloc(0)]) {
      const done = await thread.decode(streamed(plain), seen);
      expect(done?.value.shared).toBe(true);
      expect(done?.value.plain.equals(plain)).toBe(true);
    }
  });

  it('decodes in both slots at once, each its own data, and leaves a third to the caller', async () => {
    const thread = new ZstdThread(bindingPath, SIZES);
    const [a, b] = [json(9_000), randomBytes(150 * 1024)];
    const first = thread.decode(streamed(a), seen);
    const second = thread.decode(streamed(b), seen);
    expect(await thread.decode(streamed(a), seen)).toBeUndefined();
    expect((await first)?.value.plain.equals(a)).toBe(true);
    expect((await second)?.value.plain.equals(b)).toBe(true);
    // The slots are free again.
    expect((await thread.decode(streamed(b), seen))?.value.plain.equals(b)).toBe(true);
  });

  it('leaves to the caller data larger than a slot, or whose output is, and decodes the next', async () => {
    const thread = new ZstdThread(bindingPath, SIZES);
    const use = vi.fn(seen);
    expect(await thread.decode(streamed(randomBytes(300 * 1024)), use)).toBeUndefined();
    expect(await thread.decode(streamed(Buffer.alloc(SIZES.output + 1, 7)), use)).toBeUndefined();
    expect(use).not.toHaveBeenCalled();
    expect((await thread.decode(streamed(Buffer.alloc(SIZES.output, 7)), seen))?.value.plain.length).toBe(SIZES.output);
  });

  it('refuses data that does not decode with CorruptRecordError, as the calling thread does, and decodes the next', async () => {
    const thread = new ZstdThread(bindingPath, SIZES);
    const plain = json(5_000);
    const frame = streamed(plain);
    await expect(thread.decode(Buffer.from('not zstd at all'), seen)).rejects.toThrow(CorruptRecordError);
    await expect(thread.decode(Buffer.from('not zstd at all'), seen)).rejects.toThrow(/^cannot decompress zstd data: /);
    await expect(thread.decode(frame.subarray(0, frame.length - 10), seen)).rejects.toThrow(`truncated zstd data (${frame.length - 10} bytes)`);
    const damaged = Buffer.from(frame);
    damaged[damaged.length - 1] ^= 1;
    await expect(thread.decode(damaged, seen)).rejects.toThrow('cannot decompress zstd data: Data corruption detected');
    expect((await thread.decode(frame, seen))?.value.plain.equals(plain)).toBe(true);
  });

  it('leaves every decode to the caller once the thread cannot run (here: zstd-napi not found)', async () => {
    const thread = new ZstdThread(path.join(import.meta.dirname, 'no-such-binding.js'), SIZES);
    expect(await thread.decode(streamed(json(1000)), seen)).toBeUndefined();
    expect(await thread.decode(streamed(json(1000)), seen)).toBeUndefined();
  });

  it('does not keep the process alive once idle: a command that decoded through it exits by itself', async () => {
    const {stdout} = await run(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'zstd-thread-child.ts')], {timeout: 30_000});
    expect(JSON.parse(stdout)).toEqual({value: {equal: true, shared: true}});
  });
});

describe('withDecompressed of zstd data', () => {
  it('decodes 64 KiB or more on the thread, less on the calling thread, to the same bytes', async () => {
    const big = randomBytes(100 * 1024);
    const small = json(500);
    expect(streamed(big).length).toBeGreaterThanOrEqual(64 * 1024);
    expect(streamed(small).length).toBeLessThan(64 * 1024);
    expect(await withDecompressed(CompressionType.Zstd, streamed(big), seen)).toEqual({plain: big, shared: true});
    expect(await withDecompressed(CompressionType.Zstd, streamed(small), seen)).toEqual({plain: small, shared: false});
  });

  it('decodes on the calling thread what the thread leaves to it', async () => {
    const big = randomBytes(100 * 1024);
    const spy = vi.spyOn(zstdThread!, 'decode').mockResolvedValue(undefined);
    try {
      expect(await withDecompressed(CompressionType.Zstd, streamed(big), seen)).toEqual({plain: big, shared: false});
    } finally {
      spy.mockRestore();
    }
  });
});
