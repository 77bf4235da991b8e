/**
 * .log dumps of segments built with the records module: every codec, transactions and their
 * markers, LogAppendTime, delete horizons, legacy magic 1, decoders, flags and JSON events.
 */
import {gzipSync} from 'node:zlib';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {encodeBatch} from '../../../src/records/batch.js';
import {encodeEndTxnMarkerBatch} from '../../../src/records/control.js';
import {formatBatch} from '../../../src/ops/dump/text-format.js';
import type {BatchEvent} from '../../../src/ops/dump/events.js';
import {dump, legacyMessageV1, tempDir, writeSegment} from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({dir, cleanup} = await tempDir()));
afterAll(async () => cleanup());

const T0 = 1700000000000n;
const CODECS = [[0, 'none'], [1, 'gzip'], [2, 'snappy'], [3, 'lz4'], [4, 'zstd']] as const;

describe('.log dump', () => {
  it('dumps batches of every codec with isvalid true, the right counts and positions', async () => {
    const batches: Buffer[] = [];
    let offset = 0n;
    for (const [codec] of CODECS) {
      const records = Array.from({length: 3}, (_, i) => ({key: `k${i}`, value: `value-${codec}-${i}`, timestamp: T0 + BigInt(i)}));
      batches.push(await encodeBatch({records, baseOffset: offset, compression: codec as 0, partitionLeaderEpoch: 7}));
      offset += 3n;
    }
    const file = await writeSegment(dir, '00000000000000000000.log', batches);
    const {stdout, stderr, errors} = await dump([file], {printDataLog: true});
    expect(errors).toBe(0);
    expect(stderr).toEqual([]);
    expect(stdout.slice(0, 2)).toEqual([`Dumping ${file}`, 'Log starting offset: 0']);
    const batchLines = stdout.filter((l) => l.startsWith('baseOffset: '));
    expect(batchLines).toHaveLength(5);
    let position = 0;
    CODECS.forEach(([, name], i) => {
      const line = batchLines[i]!;
      expect(line).toContain(`baseOffset: ${i * 3} lastOffset: ${i * 3 + 2} count: 3 `);
      expect(line).toContain(`partitionLeaderEpoch: 7 `);
      expect(line).toContain(` position: ${position} CreateTime: ${T0 + 2n} size: ${batches[i]!.length} magic: 2 compresscodec: ${name} crc: ${batches[i]!.readUInt32BE(17)} isvalid: true`);
      position += batches[i]!.length;
    });
    const records = stdout.filter((l) => l.startsWith('| '));
    expect(records).toHaveLength(15);
    expect(records[4]).toBe(`| offset: 4 CreateTime: ${T0 + 1n} keySize: 2 valueSize: 9 sequence: -1 headerKeys: [] key: k1 payload: value-1-1`);
  });

  it('prints transactional batches and COMMIT/ABORT markers as Kafka does', async () => {
    const data = await encodeBatch({records: [{value: 'a', timestamp: T0}, {value: null, key: 'tomb', timestamp: T0}],
      producerId: 4005n, producerEpoch: 16, baseSequence: 5, transactional: true, compression: 3});
    const commit = await encodeEndTxnMarkerBatch({producerId: 4005n, producerEpoch: 16, commit: true, coordinatorEpoch: 3, baseOffset: 2n, timestamp: T0 + 5n});
    const abort = await encodeEndTxnMarkerBatch({producerId: 4005n, producerEpoch: 17, commit: false, coordinatorEpoch: 0, baseOffset: 3n, timestamp: T0 + 6n});
    const file = await writeSegment(dir, '00000000000000000001.log', [data, commit, abort]);
    const {stdout} = await dump([file], {printDataLog: true});
    expect(stdout[1]).toBe('Log starting offset: 1');
    expect(stdout[2]).toMatch(/^baseOffset: 0 lastOffset: 1 count: 2 baseSequence: 5 lastSequence: 6 producerId: 4005 producerEpoch: 16 partitionLeaderEpoch: -1 isTransactional: true isControl: false deleteHorizonMs: OptionalLong.empty position: 0 CreateTime: \d+ size: \d+ magic: 2 compresscodec: lz4 /);
    expect(stdout[3]).toBe(`| offset: 0 CreateTime: ${T0} keySize: -1 valueSize: 1 sequence: 5 headerKeys: [] payload: a`);
    // A tombstone prints its key and no payload.
    expect(stdout[4]).toBe(`| offset: 1 CreateTime: ${T0} keySize: 4 valueSize: -1 sequence: 6 headerKeys: [] key: tomb`);
    expect(stdout[5]).toContain('isTransactional: true isControl: true ');
    expect(stdout[6]).toBe(`| offset: 2 CreateTime: ${T0 + 5n} keySize: 4 valueSize: 6 sequence: -1 headerKeys: [] endTxnMarker: COMMIT coordinatorEpoch: 3`);
    expect(stdout[8]).toBe(`| offset: 3 CreateTime: ${T0 + 6n} keySize: 4 valueSize: 6 sequence: -1 headerKeys: [] endTxnMarker: ABORT coordinatorEpoch: 0`);
  });

  it('--skip-record-metadata prints contents only, and an empty line for a control record', async () => {
    const data = await encodeBatch({records: [{value: 'v', timestamp: T0}], transactional: true, producerId: 1n, producerEpoch: 0, baseSequence: 0});
    const commit = await encodeEndTxnMarkerBatch({producerId: 1n, producerEpoch: 0, commit: true, coordinatorEpoch: 0, baseOffset: 1n});
    const keyed = await encodeBatch({records: [{key: 'k', value: 'v', timestamp: T0}], baseOffset: 2n});
    const file = await writeSegment(dir, '00000000000000000002.log', [data, commit, keyed]);
    const {stdout} = await dump([file], {printDataLog: true, skipRecordMetadata: true});
    expect(stdout[3]).toBe('| payload: v');
    expect(stdout[5]).toBe('');
    expect(stdout[7]).toBe('| key: k payload: v');
  });

  it('shows LogAppendTime, header keys and the delete horizon', async () => {
    const b = await encodeBatch({records: [{key: 'a', value: 'b', headers: [{key: 'h1', value: 'x'}, {key: 'h2'}], timestamp: T0}],
      timestampType: 'append', deleteHorizonMs: 1790510504371n});
    const file = await writeSegment(dir, '00000000000000000003.log', [b]);
    const {stdout} = await dump([file], {deepIteration: true});
    const batch = stdout[2]!;
    expect(batch).toContain('deleteHorizonMs: OptionalLong[1790510504371] ');
    expect(batch).toMatch(/ LogAppendTime: \d+ /);
    const maxTs = /LogAppendTime: (\d+)/.exec(batch)![1];
    expect(stdout[3]).toBe(`| offset: 0 LogAppendTime: ${maxTs} keySize: 1 valueSize: 1 sequence: -1 headerKeys: [h1,h2]`);
  });

  it('dumps legacy magic 1 messages with their per-record CRC', async () => {
    const m0 = legacyMessageV1(0n, T0, 'k', 'hello');
    const m1 = legacyMessageV1(1n, T0 + 1n, null, 'world');
    const file = await writeSegment(dir, '00000000000000000010.log', [m0, m1]);
    const {stdout, stderr} = await dump([file], {printDataLog: true});
    expect(stderr).toEqual([]);
    expect(stdout[2]).toBe(`offset: 0 position: 0 CreateTime: ${T0} size: ${m0.length} magic: 1 compresscodec: none crc: ${m0.readUInt32BE(12)} isvalid: true`);
    expect(stdout[3]).toBe(`| offset: 0 CreateTime: ${T0} keySize: 1 valueSize: 5 isValid: true crc: ${m0.readUInt32BE(12)} key: k payload: hello`);
    expect(stdout[5]).toBe(`| offset: 1 CreateTime: ${T0 + 1n} keySize: -1 valueSize: 5 isValid: true crc: ${m1.readUInt32BE(12)} payload: world`);
  });

  it('dumps a gzip-compressed legacy wrapper: one batch line, inner records at absolute offsets', async () => {
    // Magic 1 inner offsets are relative (0, 1); the wrapper carries the absolute last offset (11).
    const first = legacyMessageV1(0n, T0, null, 'first');
    const second = legacyMessageV1(1n, T0 + 1n, null, 'second');
    const withValue = legacyMessageV1(11n, T0 + 1n, null, gzipSync(Buffer.concat([first, second])), 1);
    const file = await writeSegment(dir, '00000000000000000011.log', [withValue]);
    const {stdout, stderr} = await dump([file], {printDataLog: true});
    // Kafka 4's gap check starts at -1 whatever the segment's base offset.
    expect(stderr).toEqual([`Non-consecutive offsets in ${file}`, '  -1 is followed by 10']);
    expect(stdout[2]).toBe(`offset: 11 position: 0 CreateTime: ${T0 + 1n} size: ${withValue.length} magic: 1 compresscodec: gzip crc: ${withValue.readUInt32BE(12)} isvalid: true`);
    expect(stdout.slice(3)).toEqual([
      `| offset: 10 CreateTime: ${T0} keySize: -1 valueSize: 5 isValid: true crc: ${first.readUInt32BE(12)} payload: first`,
      `| offset: 11 CreateTime: ${T0 + 1n} keySize: -1 valueSize: 6 isValid: true crc: ${second.readUInt32BE(12)} payload: second`,
    ]);
  });

  it('applies the key and value decoders', async () => {
    const b = await encodeBatch({records: [{key: Buffer.from([0xca, 0xfe]), value: '{ "a" : 12345678901234567890,\n "b": "x y" }', timestamp: T0}]});
    const file = await writeSegment(dir, '00000000000000000020.log', [b]);
    const hexJson = await dump([file], {keyDecoder: 'hex', valueDecoder: 'json'});
    expect(hexJson.stdout[3]).toMatch(/ key: cafe payload: \{"a":12345678901234567890,"b":"x y"\}$/);
    const b64 = await dump([file], {keyDecoder: 'base64', valueDecoder: 'base64'});
    expect(b64.stdout[3]).toContain(` key: yv4= payload: ${Buffer.from('{ "a" : 12345678901234567890,\n "b": "x y" }').toString('base64')}`);
  });

  it('reads batches that straddle chunk boundaries', async () => {
    const batches: Buffer[] = [];
    for (let i = 0; i < 50; i++) batches.push(await encodeBatch({records: [{value: 'x'.repeat(i * 7)}], baseOffset: BigInt(i)}));
    const file = await writeSegment(dir, '00000000000000000030.log', batches);
    const small = await dump([file], {deepIteration: true, chunkBytes: 100});
    const big = await dump([file], {deepIteration: true});
    expect(small.stdout).toEqual(big.stdout);
    expect(small.stdout.filter((l) => l.startsWith('baseOffset: '))).toHaveLength(50);
  });

  it('--max-bytes reads only the first bytes and prints no invalid-bytes line', async () => {
    const a = await encodeBatch({records: [{value: 'a'}]});
    const b = await encodeBatch({records: [{value: 'b'}], baseOffset: 1n});
    const file = await writeSegment(dir, '00000000000000000040.log', [a, b]);
    const {stdout} = await dump([file], {maxBytes: a.length + 10});
    expect(stdout.filter((l) => l.startsWith('baseOffset: '))).toHaveLength(1);
    expect(stdout.some((l) => l.startsWith('Found '))).toBe(false);
  });

  it('reports non-consecutive offsets after all files, starting from -1 as Kafka 4 does', async () => {
    const b = await encodeBatch({records: [{value: 'a', offsetDelta: 3}, {value: 'b', offsetDelta: 5}], lastOffsetDelta: 5});
    const file = await writeSegment(dir, '00000000000000000050.log', [b]);
    const {stderr} = await dump([file], {deepIteration: true});
    expect(stderr).toEqual([`Non-consecutive offsets in ${file}`, '  -1 is followed by 3', '  3 is followed by 5']);
  });

  it('writes one JSON-able event per line with every field of the text', async () => {
    const b = await encodeBatch({records: [{key: 'k', value: 'v', timestamp: T0}], compression: 1});
    const file = await writeSegment(dir, '00000000000000000060.log', [b]);
    const {events} = await dump([file], {printDataLog: true});
    const batch = events.find((e) => e.type === 'batch') as BatchEvent;
    expect(formatBatch(batch)).toBe((await dump([file])).stdout[2]);
    expect(events.map((e) => e.type)).toEqual(['file', 'log-start', 'batch', 'record']);
    expect(events[3]).toMatchObject({offset: 0n, timestamp: T0, keySize: 1, valueSize: 1, sequence: -1, headerKeys: [], key: 'k', payload: 'v'});
  });
});
