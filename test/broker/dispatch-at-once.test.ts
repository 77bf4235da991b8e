/**
 * A request whose handler answers at once is encoded and answered without a promise (no turn of
 * the microtask queue per request); one that must wait still goes through a promise.
 */
import {afterAll, beforeAll, describe, expect, it, vi} from 'vitest';
import {ApiKey} from '../../src/protocol/api.js';
import {ErrorCode} from '../../src/protocol/error-codes.js';
import {encodeBatch} from '../../src/records/batch.js';
import {RequestDispatcher} from '../../src/broker/dispatch.js';
import {PARTITIONS_PER_TURN} from '../../src/broker/turns.js';
import {startTestBroker, type TestBroker} from './helpers/broker.js';
import {WireClient} from './helpers/wire-client.js';

let tb: TestBroker;
let client: WireClient;

beforeAll(async () => {
  tb = await startTestBroker();
  await tb.broker.topics.createTopic('now', {numPartitions: PARTITIONS_PER_TURN + 1, replicationFactor: -1, configs: {}});
  client = await WireClient.connect(tb.broker.port);
}, 60_000);
afterAll(async () => {
  vi.restoreAllMocks();
  client.close();
  await tb.cleanup();
});

/** Sends a Produce to the first `partitions` partitions; what dispatch() returned for it, and the answer. */
async function produce(partitions: number): Promise<{returned: unknown; errorCodes: number[]}> {
  const records = await encodeBatch({records: [{value: Buffer.from('v')}]});
  const spy = vi.spyOn(RequestDispatcher.prototype, 'dispatch');
  try {
    const res = await client.request(ApiKey.Produce, 9, {transactionalId: null, acks: 1, timeoutMs: 5000,
      topicData: [{name: 'now', partitionData: Array.from({length: partitions}, (_, index) => ({index, records}))}]});
    expect(spy).toHaveBeenCalledTimes(1);
    return {returned: spy.mock.results[0]!.value, errorCodes: res.responses[0].partitionResponses.map((p: {errorCode: number}) => p.errorCode)};
  } finally {
    spy.mockRestore();
  }
}

describe('RequestDispatcher', () => {
  it('answers a Produce appended in one turn at once, as encoded chunks rather than a promise', async () => {
    const {returned, errorCodes} = await produce(3);
    expect(returned).not.toBeInstanceOf(Promise);
    expect(Array.isArray(returned)).toBe(true);
    expect(errorCodes).toEqual([ErrorCode.NONE, ErrorCode.NONE, ErrorCode.NONE]);
  });

  it('answers a Produce appended across turns through a promise', async () => {
    const {returned, errorCodes} = await produce(PARTITIONS_PER_TURN + 1);
    expect(returned).toBeInstanceOf(Promise);
    expect(errorCodes).toEqual(new Array(PARTITIONS_PER_TURN + 1).fill(ErrorCode.NONE));
  });
});
