/**
 * ClusterClient against the embedded broker: the broker list learned at connect time, or (for a
 * command whose first request is its own Metadata) from that first Metadata response.
 */
import {mkdtemp, rm} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterAll, afterEach, beforeAll, describe, expect, it, vi} from 'vitest';
import {ClusterClient} from '../../src/client/cluster-client.js';
import {ConnectionOptions, resolveConnection} from '../../src/client/connection.js';
import {ProtocolClient} from '../../src/client/protocol-client.js';
import {Broker, startBroker} from '../../src/index.js';
import {listTopics} from '../../src/ops/topics/describe.js';
import {ApiKey} from '../../src/protocol/generated/api-keys.js';

let dir: string;
let broker: Broker;
let conn: ConnectionOptions;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'kstream-cluster-client-'));
  broker = await startBroker({dataDir: path.join(dir, 'data'), port: 0, log: () => undefined, config: {}});
  conn = resolveConnection({brokers: `127.0.0.1:${broker.port}`}, {profiles: {}});
  await ClusterClient.with(conn, async (cluster) => {
    await cluster.any.request(ApiKey.CreateTopics, {topics: ['b', 'a'].map((name) => ({name, numPartitions: 2, replicationFactor: 1, assignments: [], configs: []})), timeoutMs: 10_000, validateOnly: false});
  });
});

afterAll(async () => {
  await broker?.stop();
  if (dir) await rm(dir, {recursive: true, force: true});
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** The api keys of the requests every ProtocolClient sends from now on (ApiVersions excluded). */
function recordRequests(): number[] {
  const keys: number[] = [];
  const request = ProtocolClient.prototype.request;
  vi.spyOn(ProtocolClient.prototype, 'request').mockImplementation(function (this: ProtocolClient, apiKey: number, ...rest: any[]) {
    keys.push(apiKey);
    return (request as any).call(this, apiKey, ...rest);
  });
  return keys;
}

describe('ClusterClient', () => {
  it('learns the brokers with a Metadata request while connecting', async () => {
    const keys = recordRequests();
    const topics = await ClusterClient.with(conn, async (cluster) => {
      expect(cluster.brokerList).toEqual([{nodeId: broker.nodeId, host: '127.0.0.1', port: broker.port, rack: null}]);
      return listTopics(cluster, {internal: false});
    });
    expect(topics.map((t) => t.name)).toEqual(['a', 'b']);
    expect(keys).toEqual([ApiKey.Metadata, ApiKey.Metadata]);
  });

  it('with brokersFromFirstMetadata, `topics list` sends one Metadata request, whose brokers it keeps', async () => {
    const keys = recordRequests();
    const topics = await ClusterClient.with(conn, async (cluster) => {
      expect(() => cluster.brokerList).toThrow(/before any Metadata response/);
      const result = await listTopics(cluster, {internal: false});
      expect(cluster.brokerList).toEqual([{nodeId: broker.nodeId, host: '127.0.0.1', port: broker.port, rack: null}]);
      return result;
    }, {brokersFromFirstMetadata: true});
    expect(topics.map((t) => [t.name, t.partitions])).toEqual([['a', 2], ['b', 2]]);
    expect(keys).toEqual([ApiKey.Metadata]);
  });

  it('with brokersFromFirstMetadata, a broker connection asked for first fetches the broker list', async () => {
    const keys = recordRequests();
    await ClusterClient.with(conn, async (cluster) => {
      const [one, two] = await Promise.all([cluster.broker(broker.nodeId), cluster.broker(broker.nodeId)]);
      expect(one).toBe(cluster.any);
      expect(two).toBe(one);
      await expect(cluster.broker(99)).rejects.toThrow('broker 99 is not in the cluster metadata');
    }, {brokersFromFirstMetadata: true});
    expect(keys.every((k) => k === ApiKey.Metadata)).toBe(true);
  });
});
