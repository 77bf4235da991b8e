/** ListTransactions and DescribeTransactions on a broker that has no transactions, as Kafka answers them. */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ApiKey} from '../../../src/protocol/api.js';
import {ErrorCode} from '../../../src/protocol/error-codes.js';
import {startTestBroker, type TestBroker} from '../helpers/broker.js';
import {WireClient} from '../helpers/wire-client.js';

let tb: TestBroker;
let wire: WireClient;
beforeAll(async () => {
  tb = await startTestBroker();
  wire = await WireClient.connect(tb.broker.port);
});
afterAll(async () => {
  wire?.close();
  await tb?.cleanup();
});

describe('transaction APIs without transactions', () => {
  it('are advertised: ListTransactions v0-v1, DescribeTransactions v0', async () => {
    const res = await wire.request(ApiKey.ApiVersions, 3, {clientSoftwareName: 't', clientSoftwareVersion: '1'});
    const byKey = new Map(res.apiKeys.map((k: {apiKey: number}) => [k.apiKey, k]));
    expect(byKey.get(ApiKey.ListTransactions)).toEqual({apiKey: ApiKey.ListTransactions, minVersion: 0, maxVersion: 1});
    expect(byKey.get(ApiKey.DescribeTransactions)).toEqual({apiKey: ApiKey.DescribeTransactions, minVersion: 0, maxVersion: 0});
  });

  it('ListTransactions answers an empty list in every version, whatever the filters', async () => {
    for (let v = 0; v <= 1; v++) {
      expect(await wire.request(ApiKey.ListTransactions, v, {stateFilters: [], producerIdFilters: [], durationFilter: -1n}), `v${v}`)
        .toEqual({throttleTimeMs: 0, errorCode: 0, unknownStateFilters: [], transactionStates: []});
      expect(await wire.request(ApiKey.ListTransactions, v, {stateFilters: ['Ongoing', 'PrepareEpochFence'], producerIdFilters: [1n, 7n], durationFilter: 0n}))
        .toEqual({throttleTimeMs: 0, errorCode: 0, unknownStateFilters: [], transactionStates: []});
    }
    // v1's duration filter is not validated by Kafka: any value lists (nothing).
    for (const durationFilter of [-5n, 60_000n]) {
      expect(await wire.request(ApiKey.ListTransactions, 1, {stateFilters: [], producerIdFilters: [], durationFilter}))
        .toMatchObject({errorCode: 0, transactionStates: []});
    }
  });

  it('ListTransactions returns the state filters that are not Kafka transaction states, once each', async () => {
    const res = await wire.request(ApiKey.ListTransactions, 1, {stateFilters: ['Ongoing', 'ongoing', 'Running', 'ongoing', 'CompleteAbort'], producerIdFilters: [], durationFilter: -1n});
    expect(res).toEqual({throttleTimeMs: 0, errorCode: 0, unknownStateFilters: ['ongoing', 'Running'], transactionStates: []});
  });

  it('DescribeTransactions answers TRANSACTIONAL_ID_NOT_FOUND per id, INVALID_REQUEST for an empty id', async () => {
    const res = await wire.request(ApiKey.DescribeTransactions, 0, {transactionalIds: ['tx-a', '', 'tx-b']});
    const state = (transactionalId: string, errorCode: number) => ({errorCode, transactionalId, transactionState: '', transactionTimeoutMs: 0,
      transactionStartTimeMs: 0n, producerId: 0n, producerEpoch: 0, topics: []});
    expect(res).toEqual({throttleTimeMs: 0, transactionStates: [
      state('tx-a', ErrorCode.TRANSACTIONAL_ID_NOT_FOUND), state('', ErrorCode.INVALID_REQUEST), state('tx-b', ErrorCode.TRANSACTIONAL_ID_NOT_FOUND)]});
    expect(await wire.request(ApiKey.DescribeTransactions, 0, {transactionalIds: []})).toEqual({throttleTimeMs: 0, transactionStates: []});
  });
});
