/**
 * What the decoder tests (lz4-frame, snappy-block, zstd-frames) share: output buffers that keep
 * count, compressible input, and the damaged-input check.
 */
import {expect} from 'vitest';
import {CorruptRecordError} from '../../../src/records/errors.js';
import type {OutputBuffers} from '../../../src/records/reused-buffer.js';

/** Fresh buffers, and a record of what was taken and given back. */
export class CountingBuffers implements OutputBuffers {
  taken: Buffer[] = [];
  given: Buffer[] = [];
  take(size: number): Buffer {
    const b = Buffer.alloc(size);
    this.taken.push(b);
    return b;
  }
  give(buffer: Buffer): void {
    this.given.push(buffer);
  }
}

/** `n` lines of JSON events: compressible like record data. */
export const json = (n: number) => Buffer.from(Array.from({length: n}, (_, i) => `{"user":${i % 977},"event":"${['click', 'view', 'buy'][i % 3]}"}`).join('\n'));

/**
 * `decode` of copies of `data` with each byte from `from` on flipped three ways: each decodes (to
 * other bytes) or fails with CorruptRecordError, never with another error.
 */
export function decodeEveryDamagedCopy(data: Buffer, from: number, decode: (damaged: Buffer) => unknown): void {
  for (let i = from; i < data.length; i++) {
    for (const flip of [0x01, 0x80, 0xff]) {
      const damaged = Buffer.from(data);
      damaged[i] ^= flip;
      try {
        decode(damaged);
      } catch (err) {
        expect(err).toBeInstanceOf(CorruptRecordError);
      }
    }
  }
}
