/**
 * --offsets-decoder and --transaction-log-decoder on records built with the protocol codec
 * (tombstones, unknown record types, decode errors), KRaft control records and snapshots.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {encodeData} from '../../../src/protocol/api.js';
import {encodeBatch} from '../../../src/records/batch.js';
import {encodeControlKey} from '../../../src/records/control.js';
import {dump, tempDir, writeSegment} from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({dir, cleanup} = await tempDir()));
afterAll(async () => cleanup());

function versioned(version: number, body: Buffer): Buffer {
  const v = Buffer.alloc(2);
  v.writeInt16BE(version, 0);
  return Buffer.concat([v, body]);
}

const records = (lines: string[]): string[] => lines.filter((l) => l.startsWith('| offset: '));

describe('coordinator decoders', () => {
  it('offsets: commit, tombstone, unknown type, missing key and undecodable values', async () => {
    const key = versioned(1, encodeData('OffsetCommitKey', 1, {group: 'g', topic: 't', partition: 3}));
    const value = versioned(1, encodeData('OffsetCommitValue', 1, {offset: 42n, metadata: 'm', commitTimestamp: 5n, expireTimestamp: 9n}));
    const b = await encodeBatch({records: [
      {key, value, timestamp: 1},
      {key, value: null, timestamp: 1},
      {key: versioned(9, Buffer.alloc(4)), value: Buffer.alloc(4), timestamp: 1},
      {key: null, value: Buffer.alloc(2), timestamp: 1},
      {key, value: versioned(1, Buffer.alloc(3)), timestamp: 1},
    ]});
    const file = await writeSegment(dir, '00000000000000000000.log', [b]);
    const lines = records((await dump([file], {offsetsDecoder: true})).stdout);
    expect(lines[0]).toMatch(/ key: \{"type":"1","data":\{"group":"g","topic":"t","partition":3\}\} payload: \{"version":"1","data":\{"offset":42,"metadata":"m","commitTimestamp":5,"expireTimestamp":9\}\}$/);
    expect(lines[1]).toMatch(/ key: \{"type":"1","data":\{"group":"g","topic":"t","partition":3\}\} payload: <DELETE>$/);
    expect(lines[2]).toMatch(/ key: Unknown record type 9 at offset 2, skipping\.$/);
    expect(lines[3]).toContain(' key: Error at offset 3, skipping. Failed to decode message at offset 3 using the specified decoder (message had a missing key)');
    expect(lines[4]).toMatch(/ key: Error at offset 4, skipping\. .+/);
  });

  it('transaction log: key and value as JSON', async () => {
    const key = versioned(0, encodeData('TransactionLogKey', 0, {transactionalId: 'kafka-txn-0'}));
    const value = versioned(0, encodeData('TransactionLogValue', 0, {
      producerId: 1n, producerEpoch: 0, transactionTimeoutMs: 60000, transactionStatus: 1,
      transactionPartitions: [{topic: 'output-topic', partitionIds: [0]}], transactionLastUpdateTimestampMs: 1742739702876n,
      transactionStartTimestampMs: 1742739702870n,
    }));
    const file = await writeSegment(dir, '00000000000000000001.log', [await encodeBatch({records: [{key, value, timestamp: 1}], baseOffset: 1n})]);
    const [line] = records((await dump([file], {transactionLogDecoder: true})).stdout);
    expect(line).toContain(' key: {"type":"0","data":{"transactionalId":"kafka-txn-0"}} payload: {"version":"0","data":{"producerId":1,"producerEpoch":0,' +
      '"transactionTimeoutMs":60000,"transactionStatus":1,"transactionPartitions":[{"topic":"output-topic","partitionIds":[0]}],' +
      '"transactionLastUpdateTimestampMs":1742739702876,"transactionStartTimestampMs":1742739702870}}');
  });

  it('KRaft control records print as JSON and .checkpoint snapshots dump like logs', async () => {
    const leader = encodeData('LeaderChangeMessage', 0, {version: 0, leaderId: 1, voters: [{voterId: 1}], grantingVoters: [{voterId: 1}]});
    const control = await encodeBatch({records: [{key: encodeControlKey(2), value: leader, timestamp: 1}], control: true});
    const unknown = await encodeBatch({records: [{key: encodeControlKey(42), value: Buffer.alloc(2), timestamp: 1}], control: true, baseOffset: 1n});
    const file = await writeSegment(dir, '00000000000000000010-0000000002.checkpoint', [control, unknown]);
    const {stdout} = await dump([file], {deepIteration: true});
    expect(stdout[1]).toBe('Snapshot end offset: 10, epoch: 2');
    const lines = records(stdout);
    expect(lines[0]).toMatch(/ LeaderChange: \{"version":0,"leaderId":1,"voters":\[\{"voterId":1\}\],"grantingVoters":\[\{"voterId":1\}\]\}$/);
    expect(lines[1]).toMatch(/ controlType: UNKNOWN\(42\)$/);
  });
});
