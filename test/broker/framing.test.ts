import {describe, expect, it} from 'vitest';
import {FrameReader, FrameSizeError} from '../../src/broker/framing.js';

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
});
