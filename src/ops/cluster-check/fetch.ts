/**
 * The only I/O of `kstream check cluster`: one Metadata request for the topics, partitions and
 * live brokers, one DescribeConfigs for every topic's relevant configs, and one DescribeConfigs
 * per broker (sent to that broker, which is the one that knows its own config). Anything that
 * cannot be read becomes a reason, which the lints turn into "unknown".
 */
import {ClusterClient} from '../../client/cluster-client.js';
import {describeError} from '../../output/errors.js';
import {ApiKey} from '../../protocol/generated/api-keys.js';
import {ErrorCode, errorName} from '../../protocol/error-codes.js';
import type {DescribeConfigsResponse, DescribeConfigsResponseDescribeConfigsResourceResult} from '../../protocol/generated/types.js';
import {CONFIG_SOURCES} from '../topics/describe.js';
import type {BrokerFacts, ClusterFacts, ConfigValue, Configs, TopicFacts} from './types.js';

const RESOURCE_TOPIC = 2;
const RESOURCE_BROKER = 4;

export const TOPIC_CONFIG_KEYS = ['min.insync.replicas', 'unclean.leader.election.enable', 'retention.ms', 'retention.bytes', 'cleanup.policy',
  'remote.storage.enable', 'local.retention.ms', 'local.retention.bytes'];
export const BROKER_CONFIG_KEYS = ['unclean.leader.election.enable', 'leader.imbalance.per.broker.percentage', 'auto.leader.rebalance.enable'];

/** Facts plus the topics Metadata would not describe (e.g. not authorised), so the report can say so. */
export interface FetchedCluster {
  facts: ClusterFacts;
  unreadableTopics: Array<{name: string; reason: string}>;
}

function sourceOf(c: DescribeConfigsResponseDescribeConfigsResourceResult, nonDefault: string): string {
  // v0 responses carry only isDefault; v1+ carry the source.
  if (c.configSource !== undefined && c.configSource !== -1) return CONFIG_SOURCES[c.configSource] ?? String(c.configSource);
  return c.isDefault ? 'DEFAULT_CONFIG' : nonDefault;
}

function configsOf(result: DescribeConfigsResponse['results'][number], nonDefault: string): Configs {
  if (result.errorCode !== ErrorCode.NONE) return {ok: false, reason: `${errorName(result.errorCode)}${result.errorMessage ? ` (${result.errorMessage})` : ''}`};
  const values: Record<string, ConfigValue> = {};
  for (const c of result.configs) values[c.name] = {value: c.value ?? null, source: sourceOf(c, nonDefault)};
  return {ok: true, values};
}

async function describeConfigs(cluster: ClusterClient, nodeId: number | null, resourceType: number, names: string[], keys: string[]): Promise<DescribeConfigsResponse> {
  const client = nodeId === null ? cluster.any : await cluster.broker(nodeId);
  return client.request<DescribeConfigsResponse>(ApiKey.DescribeConfigs, {
    resources: names.map((resourceName) => ({resourceType, resourceName, configurationKeys: keys})),
    includeSynonyms: false,
    includeDocumentation: false,
  });
}

async function topicConfigs(cluster: ClusterClient, names: string[]): Promise<Map<string, Configs>> {
  const out = new Map<string, Configs>();
  if (names.length === 0) return out;
  try {
    const response = await describeConfigs(cluster, null, RESOURCE_TOPIC, names, TOPIC_CONFIG_KEYS);
    for (const r of response.results) out.set(r.resourceName, configsOf(r, 'DYNAMIC_TOPIC_CONFIG'));
  } catch (err) {
    for (const name of names) out.set(name, {ok: false, reason: `DescribeConfigs failed: ${describeError(err)}`});
  }
  return out;
}

async function brokerConfigs(cluster: ClusterClient, nodeId: number): Promise<Configs> {
  try {
    const response = await describeConfigs(cluster, nodeId, RESOURCE_BROKER, [String(nodeId)], BROKER_CONFIG_KEYS);
    const result = response.results.find((r) => r.resourceName === String(nodeId));
    return result ? configsOf(result, 'STATIC_BROKER_CONFIG') : {ok: false, reason: 'the broker did not describe itself'};
  } catch (err) {
    return {ok: false, reason: `DescribeConfigs failed: ${describeError(err)}`};
  }
}

export async function fetchClusterFacts(cluster: ClusterClient): Promise<FetchedCluster> {
  const md = await cluster.metadata(null);
  const unreadableTopics: FetchedCluster['unreadableTopics'] = [];
  const described = md.topics.filter((t) => {
    // LEADER_NOT_AVAILABLE at topic level still lists the partitions: an offline topic is a finding.
    if (t.errorCode === ErrorCode.NONE || t.errorCode === ErrorCode.LEADER_NOT_AVAILABLE) return true;
    unreadableTopics.push({name: t.name ?? '(unnamed)', reason: errorName(t.errorCode)});
    return false;
  });
  const names = described.map((t) => t.name ?? '');
  const [configs, brokers] = await Promise.all([
    topicConfigs(cluster, names),
    Promise.all(md.brokers.map(async (b): Promise<BrokerFacts> => ({
      nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack ?? null, configs: await brokerConfigs(cluster, b.nodeId),
    }))),
  ]);
  const topics: TopicFacts[] = described.map((t) => ({
    name: t.name ?? '',
    internal: Boolean(t.isInternal),
    partitions: t.partitions
      .map((p) => ({partition: p.partitionIndex, leader: p.leaderId, replicas: p.replicaNodes, isr: p.isrNodes, offlineReplicas: p.offlineReplicas ?? []}))
      .sort((a, b) => a.partition - b.partition),
    configs: configs.get(t.name ?? '') ?? {ok: false, reason: 'the broker returned no configs for this topic'},
  }));
  return {
    facts: {
      clusterId: md.clusterId ?? null,
      controllerId: md.controllerId ?? -1,
      brokers: brokers.sort((a, b) => a.nodeId - b.nodeId),
      topics: topics.sort((a, b) => a.name.localeCompare(b.name)),
    },
    unreadableTopics: unreadableTopics.sort((a, b) => a.name.localeCompare(b.name)),
  };
}
