/** int64 fields through exact doubles (no intermediate BigInts) must equal Node's BigInt functions, for every range. */
import {describe, expect, it} from 'vitest';
import {msBetween, readInt64, writeInt64} from '../../src/protocol/int64.js';
import {setBaseOffset} from '../../src/records/batch-header.js';

const CASES = [0n, 1n, -1n, 4294967295n, 4294967296n, 4294967297n, -4294967296n, -4294967297n, 123456789012345n,
  (1n << 52n) - 1n, 1n << 52n, -(1n << 52n), -(1n << 52n) - 1n, 9007199254740991n, 9007199254740992n, 9007199254740993n,
  -9007199254740991n, -9007199254740992n, -9007199254740993n, 9223372036854775807n, -9223372036854775808n];

describe('int64 fields', () => {
  it('writeInt64 writes the same 8 bytes as writeBigInt64BE, and nothing around them', () => {
    for (const v of CASES) {
      const expected = Buffer.alloc(12, 0xee);
      expected.writeBigInt64BE(v, 2);
      const got = Buffer.alloc(12, 0xee);
      writeInt64(got, v, 2);
      expect(got, String(v)).toEqual(expected);
    }
  });

  it('readInt64 reads what readBigInt64BE reads', () => {
    for (const v of CASES) {
      const buf = Buffer.alloc(12);
      buf.writeBigInt64BE(v, 3);
      expect(readInt64(buf, 3), String(v)).toBe(v);
    }
  });

  it('refuses what Node refuses: values beyond int64, and numbers', () => {
    expect(() => writeInt64(Buffer.alloc(8), 1n << 63n, 0)).toThrow(RangeError);
    expect(() => writeInt64(Buffer.alloc(8), -(1n << 63n) - 1n, 0)).toThrow(RangeError);
    expect(() => writeInt64(Buffer.alloc(8), 5 as unknown as bigint, 0)).toThrow(TypeError);
    expect(() => readInt64(Buffer.alloc(7), 0)).toThrow(RangeError);
  });

  it('is what setBaseOffset writes at the start of a batch', () => {
    const buf = Buffer.alloc(61, 0xff);
    setBaseOffset(buf, 0, 4294967296n + 5n);
    expect(buf.readBigInt64BE(0)).toBe(4294967301n);
    expect(buf[8]).toBe(0xff); // nothing past the field
  });

  it('msBetween subtracts exactly, in doubles or, beyond 2^53, in BigInts', () => {
    expect(msBetween(1_700_000_000_000n, 1_700_000_604_800n)).toBe(604_800);
    expect(msBetween(5n, -1n)).toBe(-6);
    // Beyond 2^53 the doubles would round both operands to the same value.
    expect(msBetween(1n << 60n, (1n << 60n) + 3n)).toBe(3);
  });
});
