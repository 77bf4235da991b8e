/** Offsets written as 32-bit halves (no BigInt per write) must equal writeBigInt64BE's bytes. */
import {describe, expect, it} from 'vitest';
import {setBaseOffset, writeOffset} from '../../src/records/batch-header.js';

const CASES = [0n, 1n, 4294967295n, 4294967296n, 4294967297n, 123456789012345n, 9007199254740991n, 9007199254740992n,
  9007199254740993n, 9223372036854775807n, -1n, -9223372036854775808n];

describe('writeOffset', () => {
  it('writes the same 8 bytes as writeBigInt64BE, for safe integers and beyond', () => {
    for (const v of CASES) {
      const expected = Buffer.alloc(12);
      expected.writeBigInt64BE(v, 2);
      const got = Buffer.alloc(12);
      writeOffset(got, 2, v);
      expect(got, String(v)).toEqual(expected);
      expect(got.readBigInt64BE(2)).toBe(v);
    }
  });

  it('is what setBaseOffset writes at the start of a batch', () => {
    const buf = Buffer.alloc(61, 0xff);
    setBaseOffset(buf, 0, 4294967296n + 5n);
    expect(buf.readBigInt64BE(0)).toBe(4294967301n);
    expect(buf[8]).toBe(0xff); // nothing past the field
  });
});
