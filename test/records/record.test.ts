import {describe, expect, it} from 'vitest';
import {CorruptRecordError} from '../../src/records/errors.js';
import {decodeRecords, recordBodySize, recordSize, sequenceAt, writeRecord, type RecordToEncode} from '../../src/records/record.js';
import {Cursor, sizeOfVarint, sizeOfVarlong, writeVarint, writeVarlong} from '../../src/records/varint.js';

describe('varints', () => {
  it('encodes zigzag varints as Kafka does', () => {
    const cases: [number, string][] = [[0, '00'], [-1, '01'], [1, '02'], [63, '7e'], [-64, '7f'], [64, '8001'], [300, 'd804'],
      [2147483647, 'feffffff0f'], [-2147483648, 'ffffffff0f']];
    for (const [value, hex] of cases) {
      const buf = Buffer.alloc(5);
      const end = writeVarint(buf, 0, value);
      expect(buf.subarray(0, end).toString('hex')).toBe(hex);
      expect(sizeOfVarint(value)).toBe(end);
      expect(new Cursor(buf, 0, end).readVarint()).toBe(value);
    }
  });

  it('round-trips varlongs, small as numbers and huge as bigints', () => {
    const values = [0n, -1n, 1n, 1700000000000n, -1700000000000n, 2n ** 48n, 2n ** 53n + 1n, 2n ** 63n - 1n, -(2n ** 63n)];
    for (const v of values) {
      const buf = Buffer.alloc(10);
      const end = writeVarlong(buf, 0, v);
      expect(sizeOfVarlong(v)).toBe(end);
      const read = new Cursor(buf, 0, end).readVarlong();
      expect(BigInt(read)).toBe(v);
      if (v > -(2n ** 48n) && v < 2n ** 48n) expect(typeof read).toBe('number');
    }
    const max = Buffer.alloc(10);
    expect(writeVarlong(max, 0, 2n ** 63n - 1n)).toBe(10);
  });

  it('rejects truncated and over-long varints', () => {
    expect(() => new Cursor(Buffer.from('80', 'hex'), 0, 1).readVarint()).toThrow(CorruptRecordError);
    expect(() => new Cursor(Buffer.from('ffffffffff01', 'hex'), 0, 6).readVarint()).toThrow(/longer than 5 bytes/);
    expect(() => new Cursor(Buffer.alloc(11, 0xff), 0, 11).readVarlong()).toThrow(/longer than 10 bytes/);
  });
});

function encode(records: RecordToEncode[]): Buffer {
  const sizes = records.map(recordBodySize);
  const buf = Buffer.alloc(sizes.reduce((a, s) => a + recordSize(s), 0));
  let pos = 0;
  records.forEach((r, i) => { pos = writeRecord(buf, pos, r, sizes[i]!); });
  expect(pos).toBe(buf.length);
  return buf;
}

const ctx = {baseOffset: 100n, baseTimestamp: 1_700_000_000_000n, logAppendTime: null, baseSequence: -1};

describe('records', () => {
  it('encodes a record byte-for-byte as Kafka (DefaultRecord)', () => {
    const buf = encode([{offsetDelta: 0, timestampDelta: 0n, key: null, value: Buffer.from('a'), headers: []}]);
    // length 7, attributes 0, tsDelta 0, offsetDelta 0, key -1, value len 1 'a', 0 headers
    expect(buf.toString('hex')).toBe('0e00000001026100');
  });

  it('round-trips keys, null values, headers with null values and unicode keys', () => {
    const input: RecordToEncode[] = [
      {offsetDelta: 0, timestampDelta: 0n, key: Buffer.from('k1'), value: Buffer.from('v1'), headers: [{key: 'trace-ä', value: Buffer.from([1, 2])}, {key: 'empty', value: null}]},
      {offsetDelta: 1, timestampDelta: 25n, key: Buffer.from('k2'), value: null, headers: []},
      {offsetDelta: 2, timestampDelta: -5n, key: null, value: Buffer.alloc(0), headers: []},
    ];
    const recs = decodeRecords(encode(input), 0, encode(input).length, 3, ctx);
    expect(recs.map((r) => r.offset)).toEqual([100n, 101n, 102n]);
    expect(recs.map((r) => r.timestamp)).toEqual([1_700_000_000_000n, 1_700_000_000_025n, 1_699_999_999_995n]);
    expect(recs[0]!.key!.toString()).toBe('k1');
    expect(recs[0]!.headers).toEqual([{key: 'trace-ä', value: Buffer.from([1, 2])}, {key: 'empty', value: null}]);
    expect(recs[1]!.value).toBeNull();
    expect(recs[2]!.key).toBeNull();
    expect(recs[2]!.value!.length).toBe(0);
    expect(recs.every((r) => r.sequence === -1)).toBe(true);
  });

  it('returns views, not copies, of keys and values', () => {
    const buf = encode([{offsetDelta: 0, timestampDelta: 0n, key: Buffer.from('key'), value: Buffer.from('value'), headers: []}]);
    const [rec] = decodeRecords(buf, 0, buf.length, 1, ctx);
    expect(rec!.value!.buffer).toBe(buf.buffer);
  });

  it('uses the batch max timestamp under LogAppendTime and derives sequences', () => {
    const buf = encode([{offsetDelta: 0, timestampDelta: 3n, key: null, value: null, headers: []},
      {offsetDelta: 1, timestampDelta: 4n, key: null, value: null, headers: []}]);
    const recs = decodeRecords(buf, 0, buf.length, 2, {...ctx, logAppendTime: 42n, baseSequence: 2147483647});
    expect(recs.map((r) => r.timestamp)).toEqual([42n, 42n]);
    expect(recs.map((r) => r.sequence)).toEqual([2147483647, 0]);
    expect(sequenceAt(10, 5)).toBe(15);
  });

  it('rejects count and length mismatches', () => {
    const buf = encode([{offsetDelta: 0, timestampDelta: 0n, key: null, value: Buffer.from('abc'), headers: []}]);
    expect(() => decodeRecords(buf, 0, buf.length, 2, ctx)).toThrow(/declares 2 records but its data ends after 1/);
    expect(() => decodeRecords(Buffer.concat([buf, Buffer.from([0])]), 0, buf.length + 1, 1, ctx)).toThrow(/left over/);
    const bad = Buffer.from(buf);
    bad[0] = 0x20; // length 16 > available
    expect(() => decodeRecords(bad, 0, bad.length, 1, ctx)).toThrow(CorruptRecordError);
    const negHeaders = Buffer.from(buf);
    negHeaders[negHeaders.length - 1] = 0x01; // header count -1
    expect(() => decodeRecords(negHeaders, 0, negHeaders.length, 1, ctx)).toThrow(/header count -1/);
  });
});
