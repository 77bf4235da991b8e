/**
 * A Produce to more than PARTITIONS_PER_TURN partitions appends them in turns of the event loop,
 * so other connections are served in between; and a connection's next Produce still lands after
 * it, as Kafka reads a connection's next request only once the previous one is answered.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ApiKey, decodeResponse, encodeRequest} from '../../../src/protocol/api.js';
import {ErrorCode} from '../../../src/protocol/error-codes.js';
import {decodeBatch, encodeBatch} from '../../../src/records/batch.js';
import {PARTITIONS_PER_TURN} from '../../../src/broker/turns.js';
import {AppendRound} from '../../../src/storage/append-round.js';
import {startTestBroker, type TestBroker} from '../helpers/broker.js';
import {WireClient} from '../helpers/wire-client.js';

const PARTITIONS = PARTITIONS_PER_TURN + 200;
const LAST = PARTITIONS - 1;
let tb: TestBroker;
let client: WireClient;

beforeAll(async () => {
  tb = await startTestBroker();
  await tb.broker.topics.createTopic('turns', {numPartitions: PARTITIONS, replicationFactor: -1, configs: {}});
  client = await WireClient.connect(tb.broker.port);
}, 60_000);
afterAll(async () => {
  client.close();
  await tb.cleanup();
});

function produceBody(partitions: Array<{index: number; records: Buffer}>) {
  return {transactionalId: null, acks: 1, timeoutMs: 5000, topicData: [{name: 'turns', partitionData: partitions}]};
}

async function allPartitions(tag: string): Promise<Array<{index: number; records: Buffer}>> {
  return Promise.all(Array.from({length: PARTITIONS}, async (_, index) => ({index, records: await encodeBatch({records: [{value: Buffer.from(`${tag}-${index}`)}]})})));
}

/** The record values of a partition, from offset 0, through Fetch. */
async function valuesOf(partition: number): Promise<string[]> {
  const info = tb.broker.topics.get('turns')!;
  const res = await client.request(ApiKey.Fetch, 12, {replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
    topics: [{topic: 'turns', topicId: info.topicId, partitions: [{partition, currentLeaderEpoch: -1, fetchOffset: 0n, logStartOffset: -1, partitionMaxBytes: 1 << 20}]}],
    forgottenTopicsData: [], rackId: ''});
  const records: Buffer = res.responses[0].partitions[0].records;
  const values: string[] = [];
  for (let pos = 0; pos < records.length; pos += 12 + records.readInt32BE(pos + 8)) {
    values.push(...(await decodeBatch(records, pos)).records.map((r) => r.value!.toString()));
  }
  return values;
}

describe('Produce to more partitions than one turn takes', () => {
  it('lets the event loop turn between its rounds of appends, and appends every partition', async () => {
    // Counts turns of the event loop; each round's finish() notes the count it ran at.
    let ticks = 0;
    let ticking = true;
    const tick = () => { ticks++; if (ticking) setImmediate(tick); };
    setImmediate(tick);
    const seen: number[] = [];
    const finish = AppendRound.prototype.finish;
    AppendRound.prototype.finish = function (this: AppendRound) {
      seen.push(ticks);
      finish.call(this);
    };
    try {
      const res = await client.request(ApiKey.Produce, 9, produceBody(await allPartitions('a')));
      expect(res.responses[0].partitionResponses).toHaveLength(PARTITIONS);
      for (const [i, p] of res.responses[0].partitionResponses.entries()) expect(p).toMatchObject({index: i, errorCode: ErrorCode.NONE, baseOffset: 0n});
    } finally {
      ticking = false;
      AppendRound.prototype.finish = finish;
    }
    expect(seen).toHaveLength(2);
    expect(seen[1]!).toBeGreaterThan(seen[0]!);
    expect(await valuesOf(0)).toEqual(['a-0']);
    expect(await valuesOf(LAST)).toEqual([`a-${LAST}`]);
  });

  it('appends a Produce pipelined behind it on the same connection after it', async () => {
    const big = encodeRequest(ApiKey.Produce, 9, 101, 'turns', produceBody(await allPartitions('b')));
    const small = async (tag: string, id: number) => encodeRequest(ApiKey.Produce, 9, id, 'turns', produceBody([{index: LAST, records: await encodeBatch({records: [{value: Buffer.from(tag)}]})}]));
    // One write: the small ones arrive while the big one is still being appended.
    const frames = Buffer.concat([big, await small('c', 102), await small('d', 103)]);
    const responses = await Promise.all([
      client.rawRequest(frames, ApiKey.Produce, 9),
      client.rawRequest(Buffer.alloc(0), ApiKey.Produce, 9),
      client.rawRequest(Buffer.alloc(0), ApiKey.Produce, 9),
    ]);
    const bodies = responses.map((frame) => decodeResponse<any>(ApiKey.Produce, 9, frame).body);
    expect(bodies[0].responses[0].partitionResponses[LAST]).toMatchObject({errorCode: ErrorCode.NONE, baseOffset: 1n});
    expect(bodies[1].responses[0].partitionResponses[0]).toMatchObject({errorCode: ErrorCode.NONE, baseOffset: 2n});
    expect(bodies[2].responses[0].partitionResponses[0]).toMatchObject({errorCode: ErrorCode.NONE, baseOffset: 3n});
    expect(await valuesOf(LAST)).toEqual([`a-${LAST}`, `b-${LAST}`, 'c', 'd']);
  });
});
