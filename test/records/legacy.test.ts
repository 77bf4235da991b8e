import {createRequire} from 'node:module';
import {crc32} from '@node-rs/crc32';
import {describe, expect, it} from 'vitest';
import {CompressionType} from '../../src/records/batch-header.js';
import {iterateBatches} from '../../src/records/batch.js';
import {compress} from '../../src/records/compression.js';
import {decodeLegacyEntry, legacyEntryHeader} from '../../src/records/legacy.js';
import {xxhash32} from '../../src/records/xxhash32.js';

const require = createRequire(import.meta.url);
// kafkajs's legacy message encoders: an independent implementation of the v0/v1 layout and its CRC32.
const MessageSet = require('kafkajs/src/protocol/messageSet/index.js');
const Message = require('kafkajs/src/protocol/message/index.js');
const Encoder = require('kafkajs/src/protocol/encoder.js');
const {lookupCodec} = require('kafkajs/src/protocol/message/compression/index.js');

type Entry = {key?: Buffer | null; value: Buffer | null; timestamp?: number; compression?: number};

/** A message set of the given entries with explicit offsets (as a broker stores it). */
function messageSet(version: 0 | 1, entries: Entry[], offsets: bigint[]): Buffer {
  const encoder = new Encoder();
  entries.forEach((entry, i) => {
    const msg = Message({version})({key: entry.key ?? null, value: entry.value, timestamp: entry.timestamp, compression: entry.compression ?? 0});
    encoder.writeInt64(offsets[i]!.toString());
    encoder.writeInt32(msg.size());
    encoder.writeEncoder(msg);
  });
  return encoder.buffer;
}

describe('legacy message sets', () => {
  it('decodes a magic 0 message and a fixed byte vector', async () => {
    const buf = messageSet(0, [{key: Buffer.from('k'), value: Buffer.from('v')}], [42n]);
    const entry = await decodeLegacyEntry(buf);
    expect(entry.message).toMatchObject({offset: 42n, magic: 0, crcValid: true, timestampType: 'none', timestamp: -1n});
    expect(entry.records).toHaveLength(1);
    expect(entry.records[0]).toMatchObject({offset: 42n, timestamp: -1n, headers: [], sequence: -1});
    expect(entry.records[0]!.key!.toString()).toBe('k');
    // offset 0, size 16, crc32 0xbb7edf1a, magic 0, attrs 0, key null, value "ab"
    const fixed = Buffer.from('000000000000000000000010' + 'bb7edf1a' + '0000' + 'ffffffff' + '000000026162', 'hex');
    const fixedEntry = await decodeLegacyEntry(fixed);
    expect(fixedEntry.message.crcValid).toBe(true);
    expect(fixedEntry.records[0]!.value!.toString()).toBe('ab');
    expect(fixedEntry.records[0]!.key).toBeNull();
    expect(messageSet(0, [{key: null, value: Buffer.from('ab')}], [0n]).equals(fixed)).toBe(true);
  });

  it('decodes magic 1 messages with timestamps', async () => {
    const buf = messageSet(1, [{key: null, value: Buffer.from('one'), timestamp: 1600000000000}, {value: Buffer.from('two'), timestamp: 1600000000005}], [5n, 6n]);
    const first = await decodeLegacyEntry(buf);
    const second = await decodeLegacyEntry(buf, first.size);
    expect(first.message).toMatchObject({magic: 1, timestampType: 'create', timestamp: 1600000000000n});
    expect(second.records[0]).toMatchObject({offset: 6n, timestamp: 1600000000005n});
    expect(second.records[0]!.value!.toString()).toBe('two');
  });

  it('decodes a compressed magic 1 wrapper with relative inner offsets', async () => {
    const inner = messageSet(1, [0, 1, 2].map((i) => ({key: Buffer.from(`k${i}`), value: Buffer.from(`v${i}`), timestamp: 1000 + i})), [0n, 1n, 2n]);
    const gz = await lookupCodec(1).compress(new Encoder().writeBuffer(inner));
    // The broker stores the wrapper at the absolute offset of its last inner message.
    const wrapper = messageSet(1, [{value: gz, compression: 1, timestamp: 1002}], [102n]);
    const entry = await decodeLegacyEntry(wrapper);
    expect(entry.message.compression).toBe(CompressionType.Gzip);
    expect(entry.records.map((r) => r.offset)).toEqual([100n, 101n, 102n]);
    expect(entry.records.map((r) => r.timestamp)).toEqual([1000n, 1001n, 1002n]);
    expect(entry.records.map((r) => r.value!.toString())).toEqual(['v0', 'v1', 'v2']);
    const header = legacyEntryHeader(wrapper, 0);
    expect(header).toMatchObject({baseOffset: 102n, magic: 1, recordCount: -1, lastOffsetDelta: 0, baseTimestamp: 1002n});
    expect([...iterateBatches(wrapper)].map((e) => e.size)).toEqual([wrapper.length]);
  });

  it('gives inner messages the wrapper timestamp under LogAppendTime', async () => {
    const inner = messageSet(1, [{value: Buffer.from('a'), timestamp: 1}, {value: Buffer.from('b'), timestamp: 2}], [0n, 1n]);
    const gz = await lookupCodec(1).compress(new Encoder().writeBuffer(inner));
    const wrapper = messageSet(1, [{value: gz, compression: 1, timestamp: 9999}], [11n]);
    wrapper[17] = 1 | 0x08; // LogAppendTime bit (kafkajs cannot set it), then re-sign with CRC32
    wrapper.writeUInt32BE(crc32(wrapper.subarray(16)) >>> 0, 12);
    const entry = await decodeLegacyEntry(wrapper, 0, {verifyCrc: true});
    expect(entry.message.timestampType).toBe('append');
    expect(entry.records.map((r) => [r.offset, r.timestamp])).toEqual([[10n, 9999n], [11n, 9999n]]);
  });

  it('decodes a compressed magic 0 wrapper with absolute inner offsets', async () => {
    const inner = messageSet(0, [{value: Buffer.from('x')}, {value: Buffer.from('y')}], [500n, 501n]);
    const gz = await lookupCodec(1).compress(new Encoder().writeBuffer(inner));
    const wrapper = messageSet(0, [{value: gz, compression: 1}], [501n]);
    const entry = await decodeLegacyEntry(wrapper);
    expect(entry.records.map((r) => [r.offset, r.value!.toString()])).toEqual([[500n, 'x'], [501n, 'y']]);
  });

  it('reads magic 0 lz4 with the old broken frame header checksum', async () => {
    const inner = messageSet(0, [{value: Buffer.from('lz')}], [0n]);
    const frame = await compress(CompressionType.Lz4, inner);
    frame[6] = (xxhash32(frame.subarray(0, 6)) >>> 8) & 0xff; // hash over magic+FLG+BD, as 0.8/0.9 clients did
    const wrapper = messageSet(0, [{value: frame, compression: 3}], [0n]);
    const entry = await decodeLegacyEntry(wrapper);
    expect(entry.records[0]!.value!.toString()).toBe('lz');
  });

  it('rejects bad CRCs, nested compression, zstd and truncation', async () => {
    const buf = messageSet(0, [{value: Buffer.from('abc')}], [0n]);
    const bad = Buffer.from(buf);
    bad[bad.length - 1] = 0x00;
    await expect(decodeLegacyEntry(bad)).rejects.toThrow(/is corrupt: stored CRC/);
    expect((await decodeLegacyEntry(bad, 0, {verifyCrc: false})).message.crcValid).toBe(false);

    const innerWrapper = messageSet(1, [{value: await lookupCodec(1).compress(new Encoder().writeBuffer(messageSet(1, [{value: Buffer.from('a')}], [0n]))), compression: 1}], [0n]);
    const nested = messageSet(1, [{value: await lookupCodec(1).compress(new Encoder().writeBuffer(innerWrapper)), compression: 1}], [0n]);
    await expect(decodeLegacyEntry(nested)).rejects.toThrow(/nested compressed message/);

    const zstdWrapper = messageSet(1, [{value: Buffer.from('zz'), compression: 4}], [0n]);
    await expect(decodeLegacyEntry(zstdWrapper)).rejects.toThrow(/magic 1 does not allow/);

    await expect(decodeLegacyEntry(buf.subarray(0, buf.length - 1))).rejects.toThrow(/truncated/);
    const overlong = Buffer.from(buf);
    overlong.writeInt32BE(1000, buf.length - 7); // value length beyond the entry
    await expect(decodeLegacyEntry(overlong, 0, {verifyCrc: false})).rejects.toThrow(/running past its end/);
  });
});
