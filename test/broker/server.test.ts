import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ApiKey} from '../../src/protocol/api.js';
import {ErrorCode} from '../../src/protocol/error-codes.js';
import {encodeBatch} from '../../src/records/batch.js';
import {startTestBroker, TestBroker} from './helpers/broker.js';
import {WireClient} from './helpers/wire-client.js';

let tb: TestBroker;
beforeAll(async () => {
  tb = await startTestBroker();
  await tb.broker.topics.createTopic('events', {numPartitions: 1, replicationFactor: 1, configs: {}});
});
afterAll(async () => tb.cleanup());

function sized(body: Buffer): Buffer {
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return Buffer.concat([size, body]);
}

/** A v1 request header with the given key/version and nothing after it. */
function header(apiKey: number, apiVersion: number, correlationId = 7): Buffer {
  const b = Buffer.alloc(10);
  b.writeInt16BE(apiKey, 0);
  b.writeInt16BE(apiVersion, 2);
  b.writeInt32BE(correlationId, 4);
  b.writeInt16BE(-1, 8);
  return b;
}

async function stillServes(): Promise<void> {
  const client = await WireClient.connect(tb.broker.port);
  const res = await client.request(ApiKey.ApiVersions, 3, {clientSoftwareName: 'test', clientSoftwareVersion: '1'});
  expect(res.errorCode).toBe(ErrorCode.NONE);
  client.close();
}

describe('server framing', () => {
  it('closes the connection on garbage bytes and keeps serving others', async () => {
    const client = await WireClient.connect(tb.broker.port);
    client.writeRaw(sized(Buffer.from('this is not a kafka request at all')));
    await client.closed;
    await stillServes();
  });

  it('refuses a 2 GiB length prefix without allocating it', async () => {
    const before = process.memoryUsage().arrayBuffers;
    const client = await WireClient.connect(tb.broker.port);
    const prefix = Buffer.alloc(4);
    prefix.writeInt32BE(0x7fffffff);
    client.writeRaw(prefix);
    await client.closed;
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 1024 * 1024);
    expect(tb.logLines.some((l) => /request size 2147483647 is larger than socket.request.max.bytes/.test(l))).toBe(true);
    await stillServes();
  });

  it('closes on a negative length prefix', async () => {
    const client = await WireClient.connect(tb.broker.port);
    client.writeRaw(Buffer.from([0x80, 0, 0, 0]));
    await client.closed;
    await stillServes();
  });

  it('closes on a request whose body is truncated', async () => {
    const client = await WireClient.connect(tb.broker.port);
    // Metadata v1 header, then a topic array claiming 5 entries with none present.
    client.writeRaw(sized(Buffer.concat([header(ApiKey.Metadata, 1), Buffer.from([0, 0, 0, 5])])));
    await client.closed;
    await stillServes();
  });

  it('waits for the rest of a partially sent request while other connections work', async () => {
    const slow = await WireClient.connect(tb.broker.port);
    const full = sized(Buffer.concat([header(ApiKey.ApiVersions, 0, 99)]));
    const response = slow.rawRequest(full.subarray(0, 6), ApiKey.ApiVersions, 0);
    await stillServes();
    slow.writeRaw(full.subarray(6));
    const frame = await response;
    expect(frame.readInt32BE(0)).toBe(99);
    slow.close();
  });

  it('closes the connection for an unknown api key, like Kafka', async () => {
    const client = await WireClient.connect(tb.broker.port);
    client.writeRaw(sized(header(9999, 0)));
    await client.closed;
    expect(tb.logLines.some((l) => /unknown or unserved api key 9999/.test(l))).toBe(true);
    await stillServes();
  });

  it('closes the connection for an unsupported version of a known api', async () => {
    const client = await WireClient.connect(tb.broker.port);
    client.writeRaw(sized(header(ApiKey.Metadata, 99)));
    await client.closed;
    await stillServes();
  });

  it('answers an unsupported ApiVersions version with v0 UNSUPPORTED_VERSION and its range', async () => {
    const client = await WireClient.connect(tb.broker.port);
    // Version 77 counts as flexible (3+), so the header ends with an empty tagged-field section.
    const frame = await client.rawRequest(sized(Buffer.concat([header(ApiKey.ApiVersions, 77, 5), Buffer.from([0])])), ApiKey.ApiVersions, 0);
    expect(frame.readInt32BE(0)).toBe(5);
    const {decodeResponse} = await import('../../src/protocol/api.js');
    const body = decodeResponse(ApiKey.ApiVersions, 0, frame).body;
    expect(body.errorCode).toBe(ErrorCode.UNSUPPORTED_VERSION);
    expect(body.apiKeys).toEqual([{apiKey: ApiKey.ApiVersions, minVersion: 0, maxVersion: 4}]);
    client.close();
  });
});

describe('pipelining', () => {
  it('writes responses in request order even when a later request finishes first', async () => {
    const client = await WireClient.connect(tb.broker.port);
    const log = tb.broker.topics.getLog('events', 0)!;
    const fetch = client.request(ApiKey.Fetch, 11, {
      replicaId: -1, maxWaitMs: 400, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
      topics: [{topic: 'events', partitions: [{partition: 0, currentLeaderEpoch: -1, fetchOffset: log.logEndOffset, logStartOffset: -1, partitionMaxBytes: 1 << 20}]}],
      forgottenTopicsData: [], rackId: '',
    });
    const metadata = client.request(ApiKey.Metadata, 9, {topics: null, allowAutoTopicCreation: false});
    const [f, m] = await Promise.all([fetch, metadata]);
    expect(f.responses[0].partitions[0].records.length).toBe(0);
    expect(m.topics.map((t: {name: string}) => t.name)).toContain('events');
    expect(client.arrivals).toEqual([1, 2]);
    client.close();
  });

  it('sends nothing for acks=0 and closes the connection when such a produce fails', async () => {
    const client = await WireClient.connect(tb.broker.port);
    const records = await encodeBatch({records: [{value: Buffer.from('fire and forget')}]});
    const before = tb.broker.topics.getLog('events', 0)!.logEndOffset;
    client.send(ApiKey.Produce, 9, {transactionalId: null, acks: 0, timeoutMs: 1000, topicData: [{name: 'events', partitionData: [{index: 0, records}]}]});
    const res = await client.request(ApiKey.ApiVersions, 0, {});
    expect(res.errorCode).toBe(0);
    // The first response on the wire is the ApiVersions one (correlation id 2).
    expect(client.arrivals).toEqual([2]);
    expect(tb.broker.topics.getLog('events', 0)!.logEndOffset).toBe(before + 1n);
    client.send(ApiKey.Produce, 9, {transactionalId: null, acks: 0, timeoutMs: 1000, topicData: [{name: 'missing', partitionData: [{index: 0, records}]}]});
    await client.closed;
    expect(tb.logLines.some((l) => /acks=0 produce failed \(missing-0/.test(l))).toBe(true);
  });
});
