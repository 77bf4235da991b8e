/** Table renderings of topic and partition views. */
import type {TopicDescription, TopicSummary, PartitionDetail} from '../ops/topics/describe.js';
import type {AddPartitionsResult, AlterConfigResult, CreateTopicResult, TrimResult} from '../ops/topics/change.js';
import {formatTable} from './render.js';

export function formatBytes(n: number | null): string {
  if (n === null) return '-';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) [v, i] = [v / 1024, i + 1];
  return i === 0 ? `${n} B` : `${v.toFixed(1)} ${units[i]}`;
}

export function topicListTable(topics: TopicSummary[]): string {
  if (topics.length === 0) return 'No topics.';
  return formatTable(['NAME', 'PARTITIONS', 'REPLICAS', 'INTERNAL'], topics.map((t) => [t.name, t.partitions, t.replicationFactor, t.internal ? 'yes' : 'no']));
}

export function partitionTable(parts: PartitionDetail[], withTopic: boolean): string {
  const head = ['PARTITION', 'LEADER', 'EPOCH', 'REPLICAS', 'ISR', 'OFFLINE', 'LOG-START-OFFSET', 'HIGH-WATERMARK', 'SIZE'];
  return formatTable(withTopic ? ['TOPIC', ...head] : head, parts.map((p) => {
    const row = [p.partition, p.leader, p.leaderEpoch, p.replicas.join(','), p.isr.join(','), p.offlineReplicas.join(',') || '-', p.logStartOffset, p.highWatermark, formatBytes(p.sizeBytes)];
    return withTopic ? [p.topic, ...row] : row;
  }));
}

export function topicDescriptionText(topics: TopicDescription[]): string {
  return topics.map((t) => {
    const header = [
      `Topic: ${t.name}  TopicId: ${t.topicId}  PartitionCount: ${t.partitions}  ReplicationFactor: ${t.replicationFactor}${t.internal ? '  Internal: yes' : ''}`,
      t.configs.length === 0 ? 'Configs: (all defaults)' : `Configs: ${t.configs.map((c) => `${c.name}=${c.sensitive ? '(sensitive)' : c.value}`).join(', ')}`,
    ];
    return `${header.join('\n')}\n${partitionTable(t.partitionDetails, false)}`;
  }).join('\n\n');
}

export function createTopicText(r: CreateTopicResult): string {
  if (r.outcome === 'exists') return `Topic "${r.name}" already exists; nothing done.`;
  const what = `topic "${r.name}" with ${r.partitions} partition(s), replication factor ${r.replicationFactor}`;
  const configs = Object.keys(r.configs).length > 0 ? ` and configs ${Object.entries(r.configs).map(([k, v]) => `${k}=${v}`).join(', ')}` : '';
  return r.outcome === 'validated' ? `Dry run: the broker accepts ${what}${configs}; nothing created.` : `Created ${what}${configs}${r.topicId ? ` (id ${r.topicId})` : ''}.`;
}

export function alterConfigText(r: AlterConfigResult): string {
  const parts = [...Object.entries(r.set).map(([k, v]) => `set ${k}=${v}`), ...r.deleted.map((k) => `reverted ${k} to its default`)];
  return `${r.dryRun ? 'Dry run: the broker accepts: ' : `Topic "${r.topic}": `}${parts.join('; ')}.`;
}

export function addPartitionsText(r: AddPartitionsResult): string {
  const warning = 'Note: records with keys will now map to different partitions (hash of the key modulo the partition count), so per-key ordering across the change is not kept.';
  return `${r.dryRun ? 'Dry run: the broker accepts' : 'Increased'} topic "${r.topic}" from ${r.before} to ${r.after} partitions.\n${warning}`;
}

export function trimTable(r: TrimResult): string {
  return formatTable(['TOPIC', 'PARTITION', 'LOG-START-OFFSET', 'ERROR'], r.partitions.map((p) => [r.topic, p.partition, p.lowWatermark, p.error ?? '-']));
}
