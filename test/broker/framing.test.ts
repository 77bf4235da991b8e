import {mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {randomBytes} from 'node:crypto';
import {describe, expect, it, vi} from 'vitest';
import {startBroker} from '../../src/broker/broker.js';
import {FrameReader, FrameSizeError, frameBuffers, PRIMED_FRAME_SIZES, releaseHandledFrame} from '../../src/broker/framing.js';
import {BufferPool} from '../../src/storage/buffer-pool.js';

function frame(body: Buffer): Buffer {
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return Buffer.concat([size, body]);
}

describe('FrameReader', () => {
  it('returns whole frames however the bytes are split', () => {
    const bytes = Buffer.concat([frame(Buffer.from('hello')), frame(Buffer.from('')), frame(Buffer.from('world!'))]);
    for (let step = 1; step <= bytes.length; step++) {
      const reader = new FrameReader(1024);
      const got: string[] = [];
      for (let i = 0; i < bytes.length; i += step) {
        for (const f of reader.push(bytes.subarray(i, i + step))) got.push(f.toString());
      }
      expect(got).toEqual(['hello', '', 'world!']);
      expect(reader.pendingBytes).toBe(0);
    }
  });

  it('gathers a large frame that arrives in pieces', () => {
    const large = Buffer.alloc(300 * 1024, 7);
    large.write('first', 0);
    large.write('last', large.length - 4);
    const small = Buffer.alloc(1000, 8);
    const bytes = Buffer.concat([frame(large), frame(small)]);
    const reader = new FrameReader(1 << 20);
    const got: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += 65536) got.push(...reader.push(bytes.subarray(i, i + 65536)));
    expect(got.map((f) => f.length)).toEqual([large.length, small.length]);
    expect(got[0]!.equals(large)).toBe(true);
    expect(got[1]!.equals(small)).toBe(true);
  });

  it('keeps an incomplete tail pending', () => {
    const reader = new FrameReader(1024);
    const bytes = frame(Buffer.from('abcdef'));
    expect(reader.push(bytes.subarray(0, 7))).toEqual([]);
    expect(reader.pendingBytes).toBe(3);
    expect(reader.push(bytes.subarray(7)).map(String)).toEqual(['abcdef']);
  });

  it('refuses a 2 GiB length prefix before allocating it', () => {
    const reader = new FrameReader(100 * 1024 * 1024);
    const prefix = Buffer.alloc(4);
    prefix.writeInt32BE(0x7fffffff);
    expect(() => reader.push(prefix)).toThrow(FrameSizeError);
    expect(() => new FrameReader(10).push(prefix)).toThrow(/larger than socket.request.max.bytes 10/);
  });

  it('refuses a negative length', () => {
    const reader = new FrameReader(1024);
    expect(() => reader.push(Buffer.from([0xff, 0xff, 0xff, 0xfe]))).toThrow(/invalid request size -2/);
  });

  it('accepts a frame of exactly the maximum size', () => {
    const reader = new FrameReader(8);
    expect(reader.push(frame(Buffer.alloc(8, 1)))).toHaveLength(1);
  });

  it('copies a frame spread over several reads into a pooled buffer, and slices one that is not', () => {
    const pool = new BufferPool();
    const reader = new FrameReader(1 << 20, pool);
    const large = Buffer.alloc(200 * 1024, 3);
    const bytes = Buffer.concat([frame(large), frame(Buffer.from('small'))]);
    const got: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += 65536) got.push(...reader.push(bytes.subarray(i, i + 65536)));
    expect(got[0]!.equals(large)).toBe(true);
    expect(pool.owns(got[0]!)).toBe(true);
    expect(got[1]!.toString()).toBe('small');
    expect(pool.owns(got[1]!)).toBe(false);
  });
});

describe('FrameReader with a reused read buffer (transient chunks)', () => {
  /** Feed `bytes` through one buffer of `size`, overwritten before each read as a socket's reused buffer is. */
  function feedReused(reader: FrameReader, bytes: Buffer, size: number): Buffer[] {
    const read = Buffer.alloc(size);
    const got: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += size) {
      read.fill(0xee);
      const n = bytes.copy(read, 0, i, i + size);
      got.push(...reader.push(read.subarray(0, n), true));
    }
    read.fill(0xee);
    return got;
  }

  it('copies every frame out of the chunk, whole or split, however the reads fall', () => {
    const bodies = [Buffer.from('hello'), Buffer.alloc(0), randomBytes(200 * 1024), Buffer.from('world!'), randomBytes(70 * 1024)];
    const bytes = Buffer.concat(bodies.map(frame));
    for (const size of [1, 3, 4, 5, 7, 4096, 65536, bytes.length]) {
      const pool = new BufferPool();
      const reader = new FrameReader(1 << 20, pool);
      const got = feedReused(reader, bytes, size);
      expect(got.map((f) => f.toString('hex'))).toEqual(bodies.map((b) => b.toString('hex')));
      expect(reader.pendingBytes).toBe(0);
      // The large ones in pooled buffers, to be given back after their request.
      expect(pool.owns(got[2]!)).toBe(true);
    }
  });

  it('counts a frame begun in one read as pending until its last byte', () => {
    const reader = new FrameReader(1 << 20);
    const bytes = frame(Buffer.alloc(100_000, 5));
    expect(feedReused(reader, bytes.subarray(0, 50_004), 65536)).toEqual([]);
    expect(reader.pendingBytes).toBe(50_000);
    const [f] = feedReused(reader, bytes.subarray(50_004), 65536);
    expect(f!.equals(Buffer.alloc(100_000, 5))).toBe(true);
  });
});

describe('releaseHandledFrame', () => {
  /** A request frame (no size prefix) of `size` bytes with api key `apiKey`, taken from `pool`. */
  function requestFrame(pool: BufferPool, apiKey: number, size = 100_000): Buffer {
    const f = pool.take(size);
    f.writeInt16BE(apiKey, 0);
    return f;
  }

  it('gives back the frame of a handled Produce and keeps those of other requests', () => {
    const produce = requestFrame(frameBuffers, 0);
    const joinGroup = requestFrame(frameBuffers, 11);
    releaseHandledFrame(produce);
    releaseHandledFrame(joinGroup);
    // A JoinGroup keeps views of its frame (member metadata): its buffer must never be reused.
    expect(frameBuffers.owns(joinGroup)).toBe(true);
    expect(frameBuffers.owns(produce)).toBe(false);
    expect(frameBuffers.take(100_000).buffer).toBe(produce.buffer);
  });

  it('gives back the frame of a handled Fetch (its request has no bytes fields)', () => {
    const fetch = requestFrame(frameBuffers, 1, 300_000);
    releaseHandledFrame(fetch);
    expect(frameBuffers.owns(fetch)).toBe(false);
    expect(frameBuffers.take(300_000).buffer).toBe(fetch.buffer);
  });
});

describe('primed frames', () => {
  it('a broker start puts a touched frame of each PRIMED_FRAME_SIZES in the pool, which the first large request takes', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kstream-framing-'));
    const broker = await startBroker({dataDir: path.join(dir, 'data'), port: 0, log: () => undefined});
    try {
      const primed = PRIMED_FRAME_SIZES.reduce((a, b) => a + b, 0);
      // Primed in the background, after the Fetch pools.
      await vi.waitFor(() => expect(frameBuffers.retainedBytes).toBeGreaterThanOrEqual(primed), {timeout: 10_000});
      const allocated = frameBuffers.stats.allocated;
      // A 1.8 MB Produce (one small batch to each of 10,000 partitions) and a 1 MiB one.
      const frames = [frameBuffers.take(1_770_135), frameBuffers.take(1024 * 1024)];
      expect(frameBuffers.stats.allocated).toBe(allocated);
      for (const f of frames) frameBuffers.give(f);
    } finally {
      await broker.stop();
      rmSync(dir, {recursive: true, force: true});
    }
  }, 30_000);
});
