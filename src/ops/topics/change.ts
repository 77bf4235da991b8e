/** Changing topics: create, delete, alter configs, add partitions, trim (DeleteRecords). */
import {ApiKey} from '../../protocol/generated/api-keys.js';
import {ClusterClient, KafkaProtocolError, leadersOf} from '../../client/cluster-client.js';
import {KstreamError, UsageError} from '../../output/errors.js';
import {topicMetadata} from './describe.js';

const TOPIC_ALREADY_EXISTS = 36;
const TIMEOUT_MS = 30_000;

/** Parse `key=value` pairs (as given to -c / --set). */
export function parseConfigPairs(pairs: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`invalid config "${pair}"`, 'Expected key=value, e.g. retention.ms=86400000');
    out[pair.slice(0, eq).trim()] = pair.slice(eq + 1);
  }
  return out;
}

export interface CreateTopicResult {
  name: string;
  topicId: string | null;
  partitions: number;
  replicationFactor: number;
  configs: Record<string, string>;
  /** created, exists (with --if-not-exists) or validated (with --dry-run). */
  outcome: 'created' | 'exists' | 'validated';
}

export async function createTopic(
  cluster: ClusterClient,
  spec: {name: string; partitions: number; replicationFactor: number; configs: Record<string, string>},
  options: {dryRun: boolean; ifNotExists: boolean},
): Promise<CreateTopicResult> {
  const response = await cluster.any.request<any>(ApiKey.CreateTopics, {
    topics: [{
      name: spec.name,
      numPartitions: spec.partitions,
      replicationFactor: spec.replicationFactor,
      assignments: [],
      configs: Object.entries(spec.configs).map(([name, value]) => ({name, value})),
    }],
    timeoutMs: TIMEOUT_MS,
    validateOnly: options.dryRun,
  });
  const t = response.topics[0];
  if (t.errorCode === TOPIC_ALREADY_EXISTS && options.ifNotExists) {
    return {name: spec.name, topicId: null, partitions: spec.partitions, replicationFactor: spec.replicationFactor, configs: spec.configs, outcome: 'exists'};
  }
  if (t.errorCode !== 0) throw new KafkaProtocolError(t.errorCode, `cannot create topic "${spec.name}"`, t.errorMessage);
  return {
    name: spec.name,
    topicId: t.topicId && t.topicId !== 'AAAAAAAAAAAAAAAAAAAAAA' ? t.topicId : null,
    partitions: t.numPartitions > 0 ? t.numPartitions : spec.partitions,
    replicationFactor: t.replicationFactor > 0 ? t.replicationFactor : spec.replicationFactor,
    configs: spec.configs,
    outcome: options.dryRun ? 'validated' : 'created',
  };
}

export async function deleteTopics(cluster: ClusterClient, names: string[]): Promise<{deleted: string[]}> {
  await topicMetadata(cluster, names); // unknown names fail here, before anything is deleted
  const response = await cluster.any.request<any>(ApiKey.DeleteTopics, {
    topics: names.map((name) => ({name, topicId: 'AAAAAAAAAAAAAAAAAAAAAA'})),
    topicNames: names,
    timeoutMs: TIMEOUT_MS,
  });
  for (const r of response.responses) {
    if (r.errorCode !== 0) throw new KafkaProtocolError(r.errorCode, `cannot delete topic "${r.name}"`, r.errorMessage);
  }
  return {deleted: names};
}

export interface AlterConfigResult {
  topic: string;
  set: Record<string, string>;
  deleted: string[];
  dryRun: boolean;
}

/** IncrementalAlterConfigs: SET the given pairs and DELETE (revert to default) the given names. */
export async function alterTopicConfig(
  cluster: ClusterClient,
  topic: string,
  change: {set: Record<string, string>; delete: string[]},
  dryRun: boolean,
): Promise<AlterConfigResult> {
  if (Object.keys(change.set).length === 0 && change.delete.length === 0) {
    throw new UsageError('nothing to change', 'Pass --set key=value and/or --delete key');
  }
  await topicMetadata(cluster, [topic]);
  const configs = [
    ...Object.entries(change.set).map(([name, value]) => ({name, configOperation: 0, value})),
    ...change.delete.map((name) => ({name, configOperation: 1, value: null})),
  ];
  const response = await cluster.any.request<any>(ApiKey.IncrementalAlterConfigs, {
    resources: [{resourceType: 2, resourceName: topic, configs}],
    validateOnly: dryRun,
  });
  for (const r of response.responses) {
    if (r.errorCode !== 0) throw new KafkaProtocolError(r.errorCode, `cannot change the configs of "${topic}"`, r.errorMessage);
  }
  return {topic, set: change.set, deleted: change.delete, dryRun: dryRun === true};
}

export interface AddPartitionsResult {
  topic: string;
  before: number;
  after: number;
  dryRun: boolean;
}

export async function addPartitions(cluster: ClusterClient, topic: string, total: number, dryRun: boolean): Promise<AddPartitionsResult> {
  const md = await topicMetadata(cluster, [topic]);
  const before = md.topics[0].partitions.length;
  if (total < before) {
    throw new KstreamError(`topic "${topic}" has ${before} partitions; Kafka cannot reduce the number of partitions`, {
      hint: 'To shrink, create a new topic and copy the data',
      exitCode: 2,
    });
  }
  if (total === before) throw new KstreamError(`topic "${topic}" already has ${before} partitions`, {hint: `Pass a total larger than ${before}`, exitCode: 2});
  const response = await cluster.any.request<any>(ApiKey.CreatePartitions, {
    topics: [{name: topic, count: total, assignments: null}],
    timeoutMs: TIMEOUT_MS,
    validateOnly: dryRun,
  });
  for (const r of response.results) {
    if (r.errorCode !== 0) throw new KafkaProtocolError(r.errorCode, `cannot add partitions to "${topic}"`, r.errorMessage);
  }
  return {topic, before, after: total, dryRun: dryRun === true};
}

export interface TrimResult {
  topic: string;
  partitions: Array<{partition: number; lowWatermark: bigint | null; error: string | null}>;
}

/**
 * Delete records before an offset (per partition) with DeleteRecords, sent to each leader.
 * `before` maps partition -> offset (-1 = the high watermark, i.e. everything).
 */
export async function trimTopic(cluster: ClusterClient, topic: string, before: Map<number, bigint>): Promise<TrimResult> {
  const md = await topicMetadata(cluster, [topic]);
  const leaders = leadersOf(md);
  const byLeader = new Map<number, Array<{partitionIndex: number; offset: bigint}>>();
  for (const [partition, offset] of before) {
    const leader = leaders.get(`${topic}:${partition}`);
    if (leader === undefined) throw new KstreamError(`topic "${topic}" has no partition ${partition}`);
    byLeader.set(leader, [...(byLeader.get(leader) ?? []), {partitionIndex: partition, offset}]);
  }
  const result: TrimResult = {topic, partitions: []};
  await Promise.all([...byLeader].map(async ([leader, partitions]) => {
    const client = await cluster.broker(leader);
    const response = await client.request<any>(ApiKey.DeleteRecords, {topics: [{name: topic, partitions}], timeoutMs: TIMEOUT_MS});
    for (const t of response.topics) {
      for (const p of t.partitions) {
        result.partitions.push({
          partition: p.partitionIndex,
          lowWatermark: p.errorCode === 0 ? p.lowWatermark : null,
          error: p.errorCode === 0 ? null : new KafkaProtocolError(p.errorCode, 'DeleteRecords').message.replace(/^DeleteRecords: /, ''),
        });
      }
    }
  }));
  result.partitions.sort((a, b) => a.partition - b.partition);
  return result;
}

/**
 * Where to cut each partition: a fixed offset, or the first offset at or after a timestamp
 * (ListOffsets by time; a partition with nothing that recent is trimmed to its high watermark).
 */
export async function planTrim(
  cluster: ClusterClient,
  topic: string,
  target: {beforeOffset?: bigint; beforeTimestampMs?: number; partitions?: number[]},
): Promise<Map<number, bigint>> {
  const md = await topicMetadata(cluster, [topic]);
  const all = md.topics[0].partitions.map((p) => p.partitionIndex).sort((a, b) => a - b);
  const partitions = target.partitions ?? all;
  for (const p of partitions) if (!all.includes(p)) throw new KstreamError(`topic "${topic}" has no partition ${p}`, {hint: `It has partitions 0-${all.length - 1}`, exitCode: 2});
  const plan = new Map<number, bigint>();
  if (target.beforeOffset !== undefined) {
    for (const p of partitions) plan.set(p, target.beforeOffset);
    return plan;
  }
  if (target.beforeTimestampMs === undefined) throw new UsageError('say where to trim', 'Pass --before-offset N or --before-timestamp DATE-TIME');
  const offsets = await cluster.listOffsets(partitions.map((partition) => ({topic, partition})), BigInt(target.beforeTimestampMs), leadersOf(md));
  for (const p of partitions) {
    const r = offsets.get(`${topic}:${p}`);
    if (!r || r.errorCode !== 0) throw new KafkaProtocolError(r?.errorCode ?? -1, `finding the offset at ${new Date(target.beforeTimestampMs).toISOString()} in ${topic}-${p}`);
    plan.set(p, r.offset < 0n ? -1n : r.offset);
  }
  return plan;
}
