/** The admin APIs are advertised by ApiVersions with every version Kafka defines. */
import {afterAll, beforeAll, expect, it} from 'vitest';
import {RawClient, StartedBroker, startTestBroker} from './helpers.js';

let broker: StartedBroker;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({broker, cleanup} = await startTestBroker());
});
afterAll(async () => cleanup?.());

it('advertises CreateTopics..DescribeCluster with their full version ranges', async () => {
  const client = await RawClient.connect(broker.port);
  try {
    const res = await client.send(18, 3, {clientSoftwareName: 'admin-test', clientSoftwareVersion: '1'});
    const ranges = new Map(res.apiKeys.map((k: {apiKey: number; minVersion: number; maxVersion: number}) => [k.apiKey, [k.minVersion, k.maxVersion]]));
    expect(ranges.get(19)).toEqual([0, 7]);
    expect(ranges.get(20)).toEqual([0, 6]);
    expect(ranges.get(21)).toEqual([0, 2]);
    expect(ranges.get(32)).toEqual([0, 4]);
    expect(ranges.get(33)).toEqual([0, 2]);
    expect(ranges.get(35)).toEqual([0, 4]);
    expect(ranges.get(37)).toEqual([0, 3]);
    expect(ranges.get(44)).toEqual([0, 1]);
    expect(ranges.get(60)).toEqual([0, 1]);
  } finally {
    client.close();
  }
});
