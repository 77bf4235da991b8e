/** Kafka requests the benchmarks need, over the project's own protocol client (one broker). */
import {ProtocolClient} from '../../../src/client/protocol-client.js';
import {ApiKey} from '../../../src/protocol/api.js';

export function connect(address: string, clientId = 'kstream-bench'): Promise<ProtocolClient> {
  return ProtocolClient.connect({brokers: [address], source: 'flag', timeoutSeconds: 30}, address, clientId);
}

/** Creates one topic and fails loudly on any error code (the benchmark must not measure failures). */
export async function createTopic(client: ProtocolClient, name: string, partitions: number, configs: Record<string, string> = {}): Promise<void> {
  const response = await client.request<any>(ApiKey.CreateTopics, {
    topics: [{name, numPartitions: partitions, replicationFactor: 1, assignments: [],
      configs: Object.entries(configs).map(([configName, value]) => ({name: configName, value}))}],
    timeoutMs: 120_000, validateOnly: false,
  });
  const result = response.topics[0];
  if (result.errorCode !== 0) throw new Error(`CreateTopics ${name}: error ${result.errorCode} ${result.errorMessage ?? ''}`);
}

/** ListOffsets for every partition of `topics` in one request; returns the offsets by "topic-partition". */
export async function listOffsets(client: ProtocolClient, topics: Array<{name: string; partitions: number}>, timestamp = -1n): Promise<Map<string, bigint>> {
  const response = await client.request<any>(ApiKey.ListOffsets, {
    replicaId: -1, isolationLevel: 0, timeoutMs: 60_000,
    topics: topics.map((t) => ({name: t.name, partitions: Array.from({length: t.partitions}, (_, i) => ({
      partitionIndex: i, currentLeaderEpoch: -1, timestamp, maxNumOffsets: 1,
    }))})),
  });
  const offsets = new Map<string, bigint>();
  for (const t of response.topics) {
    for (const p of t.partitions) {
      if (p.errorCode !== 0) throw new Error(`ListOffsets ${t.name}-${p.partitionIndex}: error ${p.errorCode}`);
      offsets.set(`${t.name}-${p.partitionIndex}`, BigInt(p.offset ?? p.oldStyleOffsets?.[0] ?? -1));
    }
  }
  return offsets;
}

export async function endOffsetSum(client: ProtocolClient, topics: Array<{name: string; partitions: number}>): Promise<bigint> {
  let sum = 0n;
  for (const offset of (await listOffsets(client, topics)).values()) sum += offset;
  return sum;
}

/** Times one async call in milliseconds. */
export async function timed<T>(fn: () => Promise<T>): Promise<{value: T; ms: number}> {
  const start = process.hrtime.bigint();
  const value = await fn();
  return {value, ms: Number(process.hrtime.bigint() - start) / 1e6};
}
