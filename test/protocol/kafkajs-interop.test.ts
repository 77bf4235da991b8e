/**
 * Interop with a real client's codec: requests built by kafkajs 2.2.4's own encoders are decoded
 * by ours, and responses encoded by ours are parsed by kafkajs's own decoders.
 */
import {createRequire} from 'node:module';
import {describe, expect, it} from 'vitest';
import {decodeRequest, decodeRequestHeader, encodeResponse} from '../../src/protocol/api.js';

const require = createRequire(import.meta.url);
const kjs = (path: string): any => require(`kafkajs/src/protocol/${path}`);
const createRequest = kjs('request.js');

/** A kafkajs request frame (without size prefix), decoded by our codec. */
async function viaKafkajs(request: any): Promise<{header: any; body: any; frame: Buffer}> {
  const encoder = await createRequest({correlationId: 17, clientId: 'kafkajs', request});
  const frame = Buffer.from(encoder.buffer).subarray(4);
  const {header, bodyOffset} = decodeRequestHeader(frame);
  return {header, frame, body: decodeRequest(header.apiKey, header.apiVersion, frame, bodyOffset)};
}

/** Our response, parsed by kafkajs the way its connection does (payload after the correlation id). */
async function parsedByKafkajs(path: string, apiKey: number, version: number, body: object): Promise<any> {
  const frame = encodeResponse(apiKey, version, 17, body);
  expect(frame.readInt32BE(4)).toBe(17);
  const response = kjs(path);
  return response.parse(await response.decode(frame.subarray(8)));
}

describe('requests encoded by kafkajs decode with our codec', () => {
  it('ApiVersions v2', async () => {
    const {header, body} = await viaKafkajs(kjs('requests/apiVersions/v2/request.js')());
    expect(header).toEqual({apiKey: 18, apiVersion: 2, correlationId: 17, clientId: 'kafkajs'});
    expect(body).toEqual({clientSoftwareName: '', clientSoftwareVersion: ''});
  });

  it('Metadata v6', async () => {
    const {body} = await viaKafkajs(kjs('requests/metadata/v6/request.js')({topics: ['a', 'b'], allowAutoTopicCreation: false}));
    expect(body.topics.map((t: any) => t.name)).toEqual(['a', 'b']);
    expect(body.allowAutoTopicCreation).toBe(false);
  });

  it('Produce v7 with a record batch', async () => {
    const {body} = await viaKafkajs(kjs('requests/produce/v7/request.js')({
      acks: -1, timeout: 30000, topicData: [{topic: 't', partitions: [{partition: 2, messages: [{key: 'k', value: 'v'}]}]}],
    }));
    expect(body).toMatchObject({transactionalId: null, acks: -1, timeoutMs: 30000});
    const p = body.topicData[0].partitionData[0];
    expect(body.topicData[0].name).toBe('t');
    expect(p.index).toBe(2);
    expect(p.records.readInt8(16)).toBe(2); // RecordBatch magic
    expect(p.records.readInt32BE(8)).toBe(p.records.length - 12); // batchLength covers the rest
  });

  it('Fetch v11', async () => {
    const {body} = await viaKafkajs(kjs('requests/fetch/v11/request.js')({
      replicaId: -1, maxWaitTime: 500, minBytes: 1, maxBytes: 1048576,
      topics: [{topic: 't', partitions: [{partition: 0, fetchOffset: '42', maxBytes: 1024}]}],
    }));
    expect(body).toMatchObject({replicaId: -1, maxWaitMs: 500, minBytes: 1, maxBytes: 1048576, isolationLevel: 1, sessionId: 0, sessionEpoch: -1, rackId: ''});
    expect(body.topics[0].topic).toBe('t');
    expect(body.topics[0].partitions[0]).toMatchObject({partition: 0, currentLeaderEpoch: -1, fetchOffset: 42n, logStartOffset: -1n, partitionMaxBytes: 1024});
  });

  it('JoinGroup v5 and OffsetCommit v5', async () => {
    const join = await viaKafkajs(kjs('requests/joinGroup/v5/request.js')({
      groupId: 'g', sessionTimeout: 30000, rebalanceTimeout: 60000, memberId: '', protocolType: 'consumer',
      groupProtocols: [{name: 'RoundRobinAssigner', metadata: Buffer.from([0, 1])}],
    }));
    expect(join.body).toMatchObject({groupId: 'g', sessionTimeoutMs: 30000, rebalanceTimeoutMs: 60000, memberId: '', groupInstanceId: null, protocolType: 'consumer'});
    expect(join.body.protocols).toEqual([{name: 'RoundRobinAssigner', metadata: Buffer.from([0, 1])}]);

    const commit = await viaKafkajs(kjs('requests/offsetCommit/v5/request.js')({
      groupId: 'g', groupGenerationId: 3, memberId: 'm', topics: [{topic: 't', partitions: [{partition: 1, offset: '99'}]}],
    }));
    expect(commit.body).toMatchObject({groupId: 'g', generationIdOrMemberEpoch: 3, memberId: 'm'});
    expect(commit.body.topics[0].partitions[0]).toMatchObject({partitionIndex: 1, committedOffset: 99n, committedMetadata: null});
  });
});

describe('responses encoded by our codec parse with kafkajs', () => {
  it('ApiVersions v2', async () => {
    const parsed = await parsedByKafkajs('requests/apiVersions/v2/response.js', 18, 2, {
      errorCode: 0, apiKeys: [{apiKey: 0, minVersion: 0, maxVersion: 9}, {apiKey: 3, minVersion: 0, maxVersion: 12}], throttleTimeMs: 0,
    });
    expect(parsed.apiVersions).toEqual([{apiKey: 0, minVersion: 0, maxVersion: 9}, {apiKey: 3, minVersion: 0, maxVersion: 12}]);
  });

  it('Metadata v6', async () => {
    const parsed = await parsedByKafkajs('requests/metadata/v6/response.js', 3, 6, {
      brokers: [{nodeId: 1, host: '127.0.0.1', port: 9092, rack: null}], clusterId: 'c1', controllerId: 1,
      topics: [{errorCode: 0, name: 't', isInternal: false, partitions: [{errorCode: 0, partitionIndex: 0, leaderId: 1, replicaNodes: [1], isrNodes: [1], offlineReplicas: []}]}],
    });
    expect(parsed.brokers).toEqual([{nodeId: 1, host: '127.0.0.1', port: 9092, rack: null}]);
    expect(parsed.clusterId).toBe('c1');
    expect(parsed.topicMetadata[0]).toMatchObject({topic: 't', isInternal: false});
    expect(parsed.topicMetadata[0].partitionMetadata[0]).toMatchObject({partitionId: 0, leader: 1, replicas: [1], isr: [1]});
  });

  it('Produce v7', async () => {
    const parsed = await parsedByKafkajs('requests/produce/v7/response.js', 0, 7, {
      responses: [{name: 't', partitionResponses: [{index: 2, errorCode: 0, baseOffset: 41n, logAppendTimeMs: -1n, logStartOffset: 0n}]}],
    });
    expect(parsed.topics[0].topicName).toBe('t');
    expect(parsed.topics[0].partitions[0]).toMatchObject({partition: 2, errorCode: 0, baseOffset: '41', logAppendTime: '-1', logStartOffset: '0'});
  });

  it('Fetch v11 carrying a record batch kafkajs itself produced', async () => {
    const {body} = await viaKafkajs(kjs('requests/produce/v7/request.js')({
      acks: -1, timeout: 30000, topicData: [{topic: 't', partitions: [{partition: 0, messages: [{key: 'k', value: 'hello'}]}]}],
    }));
    const records = body.topicData[0].partitionData[0].records as Buffer;
    const parsed = await parsedByKafkajs('requests/fetch/v11/response.js', 1, 11, {
      errorCode: 0, sessionId: 0,
      responses: [{topic: 't', partitions: [{partitionIndex: 0, errorCode: 0, highWatermark: 1n, lastStableOffset: 1n, logStartOffset: 0n, abortedTransactions: [], preferredReadReplica: -1, records}]}],
    });
    const partition = parsed.responses[0].partitions[0];
    expect(partition.highWatermark).toBe('1');
    expect(partition.messages.map((m: any) => m.value.toString())).toEqual(['hello']);
  });
});
