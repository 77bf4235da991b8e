import {describe, expect, it} from 'vitest';
import {ProtocolError} from '../../src/protocol/errors.js';
import {Reader} from '../../src/protocol/reader.js';
import {Writer} from '../../src/protocol/writer.js';

const hex = (b: Buffer): string => b.toString('hex');
const reader = (h: string): Reader => new Reader(Buffer.from(h, 'hex'));

describe('unsigned varint', () => {
  const cases: [number, string][] = [
    [0, '00'], [1, '01'], [127, '7f'], [128, '8001'], [300, 'ac02'], [16383, 'ff7f'], [16384, '808001'],
    [2 ** 31 - 1, 'ffffffff07'], [2 ** 32 - 1, 'ffffffff0f'],
  ];
  for (const [value, bytes] of cases) {
    it(`${value} <-> ${bytes}`, () => {
      expect(hex(new Writer().uvarint(value).finish())).toBe(bytes);
      const r = reader(bytes);
      expect(r.uvarint()).toBe(value);
      expect(r.remaining).toBe(0);
    });
  }

  it('rejects a varint longer than 5 bytes', () => {
    expect(() => reader('ffffffffff01').uvarint()).toThrow(ProtocolError);
  });

  it('rejects a truncated varint', () => {
    expect(() => reader('ff').uvarint()).toThrow(ProtocolError);
  });

  it('refuses negative or fractional values when writing', () => {
    expect(() => new Writer().uvarint(-1)).toThrow(RangeError);
    expect(() => new Writer().uvarint(1.5)).toThrow(RangeError);
  });
});

describe('zigzag varint and varlong', () => {
  const ints: [number, string][] = [[0, '00'], [-1, '01'], [1, '02'], [-2, '03'], [63, '7e'], [-64, '7f'], [64, '8001'],
    [2147483647, 'feffffff0f'], [-2147483648, 'ffffffff0f']];
  for (const [value, bytes] of ints) {
    it(`varint ${value} <-> ${bytes}`, () => {
      expect(hex(new Writer().varint(value).finish())).toBe(bytes);
      expect(reader(bytes).varint()).toBe(value);
    });
  }

  const longs: [bigint, string][] = [[0n, '00'], [-1n, '01'], [1n, '02'], [300n, 'd804'],
    [9223372036854775807n, 'feffffffffffffffff01'], [-9223372036854775808n, 'ffffffffffffffffff01']];
  for (const [value, bytes] of longs) {
    it(`varlong ${value} <-> ${bytes}`, () => {
      expect(hex(new Writer().varlong(value).finish())).toBe(bytes);
      expect(reader(bytes).varlong()).toBe(value);
    });
  }

  it('rejects a varlong longer than 10 bytes', () => {
    expect(() => reader('ffffffffffffffffffff01').varlong()).toThrow(ProtocolError);
  });
});

describe('fixed-width integers', () => {
  it('round-trips every width at its limits', () => {
    const w = new Writer(4).int8(-128).int16(-32768).int32(-2147483648).int64(-9223372036854775808n)
      .uint16(65535).uint32(4294967295).float64(-0.25).bool(true).bool(false);
    const r = new Reader(w.finish());
    expect([r.int8(), r.int16(), r.int32(), r.int64(), r.uint16(), r.uint32(), r.float64(), r.bool(), r.bool()])
      .toEqual([-128, -32768, -2147483648, -9223372036854775808n, 65535, 4294967295, -0.25, true, false]);
    expect(r.remaining).toBe(0);
  });

  it('throws ProtocolError, not RangeError, when the buffer ends', () => {
    expect(() => reader('0000').int32()).toThrow(ProtocolError);
    expect(() => reader('00000000000000').int64()).toThrow(/truncated/);
  });
});

describe('strings and bytes', () => {
  it('classic string: int16 length, -1 is null', () => {
    expect(hex(new Writer().string('hé').finish())).toBe('000368c3a9');
    expect(hex(new Writer().string(null).finish())).toBe('ffff');
    expect(reader('000368c3a9').string()).toBe('hé');
    expect(reader('ffff').nullableString()).toBeNull();
    expect(() => reader('ffff').string()).toThrow(ProtocolError);
    expect(() => reader('fffe').nullableString()).toThrow(ProtocolError);
  });

  it('compact string: uvarint length + 1, 0 is null, 1 is empty', () => {
    expect(hex(new Writer().compactString('').finish())).toBe('01');
    expect(hex(new Writer().compactString(null).finish())).toBe('00');
    expect(hex(new Writer().compactString('ab').finish())).toBe('036162');
    expect(reader('01').compactString()).toBe('');
    expect(reader('00').compactNullableString()).toBeNull();
    expect(() => reader('00').compactString()).toThrow(ProtocolError);
  });

  it('bytes and compact bytes, nullable and not', () => {
    expect(hex(new Writer().bytes(Buffer.from([9])).finish())).toBe('0000000109');
    expect(hex(new Writer().bytes(null).finish())).toBe('ffffffff');
    expect(hex(new Writer().compactBytes(Buffer.alloc(0)).finish())).toBe('01');
    expect(reader('0000000109').bytes()).toEqual(Buffer.from([9]));
    expect(reader('ffffffff').nullableBytes()).toBeNull();
    expect(reader('00').compactNullableBytes()).toBeNull();
    expect(() => reader('ffffffff').bytes()).toThrow(ProtocolError);
  });

  it('a length beyond the buffer is a ProtocolError, before any allocation', () => {
    expect(() => reader('7fffffff00').bytes()).toThrow(ProtocolError);
    expect(() => reader('7fff61').string()).toThrow(ProtocolError);
    expect(() => reader('ffffffff0761').compactString()).toThrow(ProtocolError);
  });

  it('refuses a classic string longer than 32767 bytes', () => {
    expect(() => new Writer().string('x'.repeat(40000))).toThrow(RangeError);
  });
});

describe('arrays', () => {
  it('classic and compact lengths, with null', () => {
    expect(reader('00000002aabb').arrayLength(false, false)).toBe(2);
    expect(reader('ffffffff').arrayLength(false, true)).toBe(-1);
    expect(reader('03aabb').arrayLength(true, false)).toBe(2);
    expect(reader('00').arrayLength(true, true)).toBe(-1);
    expect(() => reader('ffffffff').arrayLength(false, false)).toThrow(ProtocolError);
  });

  it('an element count above the bytes left is rejected', () => {
    expect(() => reader('7fffffff0000').arrayLength(false, false)).toThrow(/elements/);
  });

  it('array helper reads elements', () => {
    const w = new Writer().int32(3).int16(1).int16(2).int16(3);
    expect(new Reader(w.finish()).array((r) => r.int16())).toEqual([1, 2, 3]);
  });
});

describe('uuid', () => {
  it('uses Kafka Uuid.toString form (base64url, no padding)', () => {
    const bytes = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
    const id = new Reader(bytes).uuid();
    expect(id).toBe('ABEiM0RVZneImaq7zN3u_w');
    expect(hex(new Writer().uuid(id).finish())).toBe(bytes.toString('hex'));
    expect(new Reader(Buffer.alloc(16)).uuid()).toBe('AAAAAAAAAAAAAAAAAAAAAA');
  });

  it('refuses non-canonical uuids when writing', () => {
    expect(() => new Writer().uuid('not-a-uuid')).toThrow(RangeError);
    expect(() => new Writer().uuid('AAAAAAAAAAAAAAAAAAAAAB')).toThrow(RangeError);
  });
});

describe('tagged fields section', () => {
  it('hands known tags a bounded reader and skips the rest', () => {
    // 2 fields: tag 1 (2 bytes 0x0102), tag 5 (1 byte 0x07), then a trailing int8.
    const r = reader('02' + '01020102' + '050107' + '2a');
    const seen: [number, string][] = [];
    r.taggedFields((tag, sub) => { seen.push([tag, hex(sub.raw(sub.remaining))]); });
    expect(seen).toEqual([[1, '0102'], [5, '07']]);
    expect(r.int8()).toBe(42);
  });

  it('rejects a tagged field larger than the buffer', () => {
    expect(() => reader('0101050000').taggedFields()).toThrow(ProtocolError);
  });
});

describe('Writer', () => {
  it('keeps order when large blobs are referenced and chunks grow', () => {
    const big = Buffer.alloc(5000, 0xab);
    const w = new Writer(8);
    w.int32(1);
    w.bytes(big);
    for (let i = 0; i < 100; i++) w.int32(i);
    const out = w.finish();
    expect(out.length).toBe(4 + 4 + 5000 + 400);
    expect(w.length).toBe(out.length);
    const r = new Reader(out);
    expect(r.int32()).toBe(1);
    expect(r.bytes().equals(big)).toBe(true);
    for (let i = 0; i < 100; i++) expect(r.int32()).toBe(i);
  });
});

describe('int64 fields (written as 32-bit halves when safe)', () => {
  it('round-trip every range through a message with int64 fields', async () => {
    const {encodeData, decodeData} = await import('../../src/protocol/api.js');
    for (const offset of [0n, -1n, 1n << 32n, -(1n << 40n), 9007199254740991n, 9007199254740993n, 9223372036854775807n, -9223372036854775808n]) {
      const value = {offset, leaderEpoch: -1, metadata: '', commitTimestamp: 1700000000000n};
      const bytes = encodeData('OffsetCommitValue', 3, value);
      const ref = Buffer.alloc(8);
      ref.writeBigInt64BE(offset);
      expect(bytes.subarray(0, 8), String(offset)).toEqual(ref);
      expect(decodeData('OffsetCommitValue', 3, bytes)).toMatchObject({offset, commitTimestamp: 1700000000000n});
    }
  });
});
