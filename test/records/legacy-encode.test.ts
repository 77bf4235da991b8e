/**
 * Down-conversion of v2 batches to legacy message sets (Fetch v0-v3), checked by decoding the result
 * with legacy.ts and against the byte layout of the test helper's legacy message builder.
 */
import {describe, expect, it} from 'vitest';
import {CompressionType} from '../../src/records/batch-header.js';
import {encodeBatch, type RecordInput} from '../../src/records/batch.js';
import {decompress} from '../../src/records/compression.js';
import {encodeControlKey} from '../../src/records/control.js';
import {decodeLegacyEntry, type LegacyEntry, readLegacyMessage} from '../../src/records/legacy.js';
import {downConvert, fetchMagic} from '../../src/records/legacy-encode.js';
import {xxhash32} from '../../src/records/xxhash32.js';
import {legacyMessage, legacySet, legacyWrapper} from './helpers/legacy-messages.js';

const CODECS = [CompressionType.None, CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4];
const TS = 1_700_000_000_000;

const inputs = (tag: string): RecordInput[] => [
  {key: `${tag}-k0`, value: `${tag}-v0`, timestamp: TS, headers: [{key: 'h', value: 'x'}]},
  {key: null, value: `${tag}-v1`, timestamp: TS + 5},
  {key: `${tag}-k2`, value: null, timestamp: TS + 2},
];

async function entries(buf: Buffer): Promise<LegacyEntry[]> {
  const out: LegacyEntry[] = [];
  for (let p = 0; p < buf.length; p += buf.readInt32BE(p + 8) + 12) out.push(await decodeLegacyEntry(buf, p));
  return out;
}

const str = (b: Buffer | null) => (b === null ? null : b.toString());

describe('fetchMagic', () => {
  it('maps Fetch v0-v1 to magic 0, v2-v3 to magic 1, v4+ to none', () => {
    expect([0, 1, 2, 3, 4, 17].map(fetchMagic)).toEqual([0, 0, 1, 1, null, null]);
  });
});

describe('downConvert', () => {
  for (const magic of [0, 1] as const) {
    for (const codec of CODECS) {
      it(`converts a v2 batch (codec ${codec}) to magic ${magic}: offsets, keys, values, timestamps kept, headers dropped`, async () => {
        const batch = await encodeBatch({records: inputs('a'), baseOffset: 10n, compression: codec});
        const {records, unsupportedCompression} = await downConvert(batch, magic, 10n);
        expect(unsupportedCompression).toBe(false);
        batch.fill(0); // the result must not share the source's memory (a pooled read buffer, given back)
        const decoded = await entries(records);
        expect(decoded).toHaveLength(codec === CompressionType.None ? 3 : 1);
        for (const e of decoded) expect(e.message).toMatchObject({magic, compression: codec, crcValid: true});
        const recs = decoded.flatMap((e) => e.records);
        expect(recs.map((r) => r.offset)).toEqual([10n, 11n, 12n]);
        expect(recs.map((r) => str(r.key))).toEqual(['a-k0', null, 'a-k2']);
        expect(recs.map((r) => str(r.value))).toEqual(['a-v0', 'a-v1', null]);
        expect(recs.map((r) => r.timestamp)).toEqual(magic === 1 ? [TS, TS + 5, TS + 2].map(BigInt) : [-1n, -1n, -1n]);
        expect(recs.every((r) => r.headers.length === 0)).toBe(true);
      });
    }

    it(`lays out uncompressed magic ${magic} messages byte for byte as the helper builds them`, async () => {
      const batch = await encodeBatch({records: inputs('b'), baseOffset: 7n});
      const {records} = await downConvert(batch, magic, 7n);
      const expected = legacySet(magic, inputs('b').map((r) => ({key: r.key as string | null, value: r.value as string | null, timestamp: r.timestamp})), 7n);
      expect(records.equals(expected)).toBe(true);
    });

    it(`lays out a compressed magic ${magic} wrapper as Kafka does: last offset, max timestamp, ${magic === 1 ? 'relative' : 'absolute'} inner offsets`, async () => {
      const batch = await encodeBatch({records: inputs('c'), baseOffset: 20n, compression: CompressionType.Gzip});
      const {records} = await downConvert(batch, magic, 20n);
      const wrapper = readLegacyMessage(records, 0);
      expect(wrapper.size).toBe(records.length);
      expect(wrapper).toMatchObject({offset: 22n, magic, attributes: CompressionType.Gzip, key: null, crcValid: true,
        timestamp: magic === 1 ? BigInt(TS + 5) : -1n});
      const inner = await decompress(CompressionType.Gzip, wrapper.value!);
      const set = inputs('c').map((r) => ({key: r.key as string | null, value: r.value as string | null, timestamp: r.timestamp}));
      expect(inner.equals(legacySet(magic, set, magic === 1 ? 0n : 20n))).toBe(true);
      // The helper's wrapper around the same inner set is the same entry.
      const helperWrapper = await legacyWrapper(magic, CompressionType.Gzip, inner, {offset: 22n, timestamp: magic === 1 ? TS + 5 : undefined});
      expect(readLegacyMessage(helperWrapper, 0).crc).toBe(wrapper.crc);
    });
  }

  it('writes the old LZ4 frame header checksum for magic 0 wrappers and the standard one for magic 1', async () => {
    const batch = await encodeBatch({records: inputs('l'), compression: CompressionType.Lz4});
    for (const magic of [0, 1] as const) {
      const frame = readLegacyMessage((await downConvert(batch, magic, 0n)).records, 0).value!;
      const descriptorEnd = 6 + ((frame[4]! & 0x08) !== 0 ? 8 : 0);
      const over = magic === 0 ? frame.subarray(0, descriptorEnd) : frame.subarray(4, descriptorEnd);
      expect(frame[descriptorEnd]).toBe((xxhash32(over) >>> 8) & 0xff);
    }
  });

  it('gives LogAppendTime batches the attribute bit and the batch time on magic 1, nothing on magic 0', async () => {
    for (const codec of [CompressionType.None, CompressionType.Snappy]) {
      const batch = await encodeBatch({records: inputs('t'), timestampType: 'append', compression: codec});
      const m1 = await entries((await downConvert(batch, 1, 0n)).records);
      for (const e of m1) expect(e.message).toMatchObject({timestampType: 'append', timestamp: BigInt(TS + 5)});
      expect(m1.flatMap((e) => e.records).map((r) => r.timestamp)).toEqual([1, 2, 3].map(() => BigInt(TS + 5)));
      const m0 = await entries((await downConvert(batch, 0, 0n)).records);
      for (const e of m0) expect(e.message.attributes).toBe(codec);
    }
  });

  it('drops the records of an uncompressed batch before the fetch offset, keeps a compressed batch whole', async () => {
    const plain = await encodeBatch({records: inputs('o'), baseOffset: 100n});
    const fromMiddle = await entries((await downConvert(plain, 1, 101n)).records);
    expect(fromMiddle.map((e) => e.message.offset)).toEqual([101n, 102n]);
    const zipped = await encodeBatch({records: inputs('o'), baseOffset: 100n, compression: CompressionType.Gzip});
    const whole = await entries((await downConvert(zipped, 1, 101n)).records);
    expect(whole[0]!.records.map((r) => r.offset)).toEqual([100n, 101n, 102n]);
  });

  it('skips control batches and keeps transactional data', async () => {
    const data = await encodeBatch({records: inputs('x'), baseOffset: 0n, transactional: true, producerId: 5n, producerEpoch: 0});
    const marker = await encodeBatch({records: [{key: encodeControlKey(0), value: Buffer.alloc(6)}], baseOffset: 3n,
      transactional: true, control: true, producerId: 5n, producerEpoch: 0});
    const after = await encodeBatch({records: [{key: 'k', value: 'v', timestamp: TS}], baseOffset: 4n});
    const out = await entries((await downConvert(Buffer.concat([marker, data, after]), 1, 0n)).records);
    expect(out.map((e) => e.message.offset)).toEqual([0n, 1n, 2n, 4n]);
  });

  it('reports zstd in the first batch, and stops before a later zstd batch', async () => {
    const zstd = await encodeBatch({records: inputs('z'), baseOffset: 3n, compression: CompressionType.Zstd});
    expect(await downConvert(zstd, 1, 3n)).toMatchObject({unsupportedCompression: true, records: Buffer.alloc(0)});
    const plain = await encodeBatch({records: inputs('p'), baseOffset: 0n});
    const res = await downConvert(Buffer.concat([plain, zstd]), 0, 0n);
    expect(res.unsupportedCompression).toBe(false);
    expect((await entries(res.records)).map((e) => e.message.offset)).toEqual([0n, 1n, 2n]);
  });

  it('returns at most max(source size, first converted batch), cut at whole messages', async () => {
    // Tiny records grow on conversion (34 bytes of overhead a message against ~7 in a v2 batch).
    const many = (base: bigint) => encodeBatch({baseOffset: base, records: Array.from({length: 50}, (_, i) => ({value: `v${i}`, timestamp: TS}))});
    const first = await many(0n);
    const source = Buffer.concat([first, ...await Promise.all([1, 2, 3, 4, 5].map((i) => many(BigInt(i * 50))))]);
    const {records} = await downConvert(source, 1, 0n);
    const firstConverted = (await downConvert(first, 1, 0n)).records.length;
    expect(firstConverted).toBeGreaterThan(first.length);
    const limit = Math.max(source.length, firstConverted);
    expect(records.length).toBeLessThanOrEqual(limit);
    const out = await entries(records);
    // Every message whole, in order from the fetch offset, and one more would not have fitted.
    expect(out.map((e) => e.message.offset)).toEqual(out.map((_, i) => BigInt(i)));
    expect(out.length).toBeGreaterThan(50);
    expect(out.length).toBeLessThan(300);
    expect(records.length + out[0]!.size).toBeGreaterThan(limit);
    // A single batch that converts larger than itself is still returned whole.
    expect((await entries((await downConvert(first, 1, 0n)).records))).toHaveLength(50);
  });

  it('passes legacy entries of the fetcher magic or lower through and converts magic 1 for a magic 0 fetcher', async () => {
    const m0 = legacyMessage(0, {key: 'k', value: 'v'}, 5n);
    expect((await downConvert(m0, 1, 5n)).records.equals(m0)).toBe(true);
    const wrapper = await legacyWrapper(1, CompressionType.Snappy, legacySet(1, [{value: 'a', timestamp: TS}, {value: 'b', timestamp: TS}]), {offset: 9n, timestamp: TS});
    const out = await entries((await downConvert(wrapper, 0, 8n)).records);
    expect(out[0]!.message).toMatchObject({magic: 0, offset: 9n, compression: CompressionType.Snappy});
    expect(out[0]!.records.map((r) => [r.offset, str(r.value)])).toEqual([[8n, 'a'], [9n, 'b']]);
  });
});
