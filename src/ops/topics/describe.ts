/** Listing and describing topics and partitions: metadata, offsets, sizes and configs. */
import {ApiKey} from '../../protocol/generated/api-keys.js';
import type {MetadataResponse} from '../../protocol/generated/types.js';
import {ClusterClient, EARLIEST, KafkaProtocolError, LATEST, leadersOf} from '../../client/cluster-client.js';
import {KstreamError} from '../../output/errors.js';

export interface TopicSummary {
  name: string;
  topicId: string;
  partitions: number;
  replicationFactor: number;
  internal: boolean;
}

export interface PartitionDetail {
  topic: string;
  partition: number;
  leader: number;
  leaderEpoch: number;
  replicas: number[];
  isr: number[];
  offlineReplicas: number[];
  logStartOffset: bigint | null;
  highWatermark: bigint | null;
  /** Bytes on disk of the leader's replica; null when the broker cannot tell. */
  sizeBytes: number | null;
}

export interface TopicConfigEntry {
  name: string;
  value: string | null;
  source: string;
  sensitive: boolean;
}

export interface TopicDescription extends TopicSummary {
  /** Configs that differ from the defaults (topic overrides and dynamic broker settings). */
  configs: TopicConfigEntry[];
  partitionDetails: PartitionDetail[];
}

export const UNKNOWN_TOPIC_OR_PARTITION = 3;

/** DescribeConfigs config sources, as Kafka names them. */
export const CONFIG_SOURCES: Record<number, string> = {
  [-1]: 'UNKNOWN', 1: 'DYNAMIC_TOPIC_CONFIG', 2: 'DYNAMIC_BROKER_CONFIG', 3: 'DYNAMIC_DEFAULT_BROKER_CONFIG',
  4: 'STATIC_BROKER_CONFIG', 5: 'DEFAULT_CONFIG', 6: 'DYNAMIC_BROKER_LOGGER_CONFIG', 7: 'CLIENT_METRICS_CONFIG', 8: 'GROUP_CONFIG',
};

function summaryOf(t: MetadataResponse['topics'][number]): TopicSummary {
  return {
    name: t.name ?? '',
    topicId: t.topicId ?? 'AAAAAAAAAAAAAAAAAAAAAA',
    partitions: t.partitions.length,
    replicationFactor: Math.max(0, ...t.partitions.map((p) => p.replicaNodes.length)),
    internal: Boolean(t.isInternal),
  };
}

export async function listTopics(cluster: ClusterClient, options: {internal: boolean}): Promise<TopicSummary[]> {
  const md = await cluster.metadata(null);
  return md.topics
    .filter((t) => t.errorCode === 0 && (options.internal || !t.isInternal))
    .map(summaryOf)
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Metadata for named topics; an unknown name is an error that names it. */
export async function topicMetadata(cluster: ClusterClient, names: string[] | null): Promise<MetadataResponse> {
  const md = await cluster.metadata(names);
  for (const t of md.topics) {
    if (t.errorCode === UNKNOWN_TOPIC_OR_PARTITION) throw new KstreamError(`topic "${t.name}" does not exist`, {hint: 'List topics with `kstream topics list`'});
    if (t.errorCode !== 0) throw new KafkaProtocolError(t.errorCode, `topic "${t.name}"`);
  }
  return md;
}

/** Bytes on disk per `topic:partition` on each broker, from DescribeLogDirs. */
export async function partitionSizes(cluster: ClusterClient, nodeIds: number[]): Promise<Map<string, Map<number, number>>> {
  const sizes = new Map<string, Map<number, number>>();
  await Promise.all(nodeIds.map(async (nodeId) => {
    const client = await cluster.broker(nodeId);
    if (client.version(ApiKey.DescribeLogDirs) === undefined) return;
    const response = await client.request<any>(ApiKey.DescribeLogDirs, {topics: null});
    for (const dir of response.results ?? []) {
      if (dir.errorCode !== 0) continue;
      for (const t of dir.topics) {
        for (const p of t.partitions) {
          if (p.isFutureKey) continue;
          const key = `${t.name}:${p.partitionIndex}`;
          const perBroker = sizes.get(key) ?? new Map<number, number>();
          perBroker.set(nodeId, Number(p.partitionSize));
          sizes.set(key, perBroker);
        }
      }
    }
  }));
  return sizes;
}

/** Configs of topics, keeping those not at their default unless `all`. */
export async function topicConfigs(cluster: ClusterClient, names: string[], all = false): Promise<Map<string, TopicConfigEntry[]>> {
  const response = await cluster.any.request<any>(ApiKey.DescribeConfigs, {
    resources: names.map((resourceName) => ({resourceType: 2, resourceName, configurationKeys: null})),
    includeSynonyms: false,
    includeDocumentation: false,
  });
  const out = new Map<string, TopicConfigEntry[]>();
  for (const r of response.results) {
    if (r.errorCode !== 0) throw new KafkaProtocolError(r.errorCode, `describing the configs of "${r.resourceName}"`, r.errorMessage);
    const entries: TopicConfigEntry[] = [];
    for (const c of r.configs) {
      const source = c.configSource !== undefined && c.configSource !== -1 ? CONFIG_SOURCES[c.configSource] ?? String(c.configSource) : c.isDefault ? 'DEFAULT_CONFIG' : 'DYNAMIC_TOPIC_CONFIG';
      if (!all && (source === 'DEFAULT_CONFIG' || source === 'STATIC_BROKER_CONFIG')) continue;
      entries.push({name: c.name, value: c.value ?? null, source, sensitive: Boolean(c.isSensitive)});
    }
    out.set(r.resourceName, entries.sort((a, b) => a.name.localeCompare(b.name)));
  }
  return out;
}

/** Per-partition details: leader, replicas, ISR, log start offset, high watermark, size. */
export async function partitionDetails(cluster: ClusterClient, md: MetadataResponse): Promise<PartitionDetail[]> {
  const tps = md.topics.flatMap((t) => t.partitions.map((p) => ({topic: t.name ?? '', partition: p.partitionIndex})));
  const leaders = leadersOf(md);
  const [earliest, latest, sizes] = await Promise.all([
    cluster.listOffsets(tps, EARLIEST, leaders),
    cluster.listOffsets(tps, LATEST, leaders),
    partitionSizes(cluster, cluster.brokerList.map((b) => b.nodeId)),
  ]);
  const details: PartitionDetail[] = [];
  for (const t of md.topics) {
    for (const p of t.partitions) {
      const key = `${t.name}:${p.partitionIndex}`;
      const start = earliest.get(key);
      const end = latest.get(key);
      details.push({
        topic: t.name ?? '',
        partition: p.partitionIndex,
        leader: p.leaderId,
        leaderEpoch: p.leaderEpoch ?? -1,
        replicas: p.replicaNodes,
        isr: p.isrNodes,
        offlineReplicas: p.offlineReplicas ?? [],
        logStartOffset: start && start.errorCode === 0 ? start.offset : null,
        highWatermark: end && end.errorCode === 0 ? end.offset : null,
        sizeBytes: sizes.get(key)?.get(p.leaderId) ?? null,
      });
    }
  }
  return details.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
}

export async function describeTopics(cluster: ClusterClient, names: string[]): Promise<TopicDescription[]> {
  const md = await topicMetadata(cluster, names.length > 0 ? names : null);
  const topics = md.topics.filter((t) => t.errorCode === 0 && (names.length > 0 || !t.isInternal));
  const [details, configs] = await Promise.all([
    partitionDetails(cluster, {...md, topics}),
    topics.length > 0 ? topicConfigs(cluster, topics.map((t) => t.name ?? '')) : Promise.resolve(new Map<string, TopicConfigEntry[]>()),
  ]);
  return topics
    .map((t) => ({...summaryOf(t), configs: configs.get(t.name ?? '') ?? [], partitionDetails: details.filter((d) => d.topic === t.name)}))
    .sort((a, b) => a.name.localeCompare(b.name));
}
