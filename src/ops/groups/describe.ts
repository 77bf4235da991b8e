/** What `kstream groups list|describe` show: Kafka's columns plus log start offsets and totals. */
import {ClusterClient, EARLIEST, LATEST, leadersOf, TopicPartition} from '../../client/cluster-client.js';
import {GroupClient, GroupDescription, GroupListing} from '../../client/groups.js';
import {KstreamError} from '../../output/errors.js';

export interface GroupOffsetRow {
  group: string;
  topic: string;
  partition: number;
  currentOffset: bigint | null;
  logStartOffset: bigint | null;
  logEndOffset: bigint | null;
  lag: bigint | null;
  consumerId: string | null;
  host: string | null;
  clientId: string | null;
}

export interface GroupView {
  group: string;
  state: string;
  protocolType: string;
  assignmentStrategy: string;
  coordinator: {nodeId: number; host: string; port: number};
  members: Array<{consumerId: string; groupInstanceId: string | null; host: string; clientId: string; partitions: number; assignment: string[]}>;
  offsets: GroupOffsetRow[];
  totalLagByTopic: Array<{topic: string; lag: bigint}>;
  totalLag: bigint;
}

const key = (t: string, p: number) => `${t}:${p}`;

/** Lag as Kafka's tool computes it: end minus committed, unknown when either is missing. */
export function lagOf(current: bigint | null, end: bigint | null): bigint | null {
  return current === null || end === null ? null : end - current > 0n ? end - current : 0n;
}

/** Earliest and latest offsets for partitions, asking their leaders. */
export async function offsetBounds(cluster: ClusterClient, tps: TopicPartition[]): Promise<Map<string, {start: bigint | null; end: bigint | null}>> {
  const topics = [...new Set(tps.map((tp) => tp.topic))];
  const bounds = new Map<string, {start: bigint | null; end: bigint | null}>();
  if (topics.length === 0) return bounds;
  const md = await cluster.metadata(topics);
  const leaders = leadersOf(md);
  const [earliest, latest] = await Promise.all([cluster.listOffsets(tps, EARLIEST, leaders), cluster.listOffsets(tps, LATEST, leaders)]);
  for (const tp of tps) {
    const s = earliest.get(key(tp.topic, tp.partition));
    const e = latest.get(key(tp.topic, tp.partition));
    bounds.set(key(tp.topic, tp.partition), {start: s?.errorCode === 0 ? s.offset : null, end: e?.errorCode === 0 ? e.offset : null});
  }
  return bounds;
}

export function buildGroupView(desc: GroupDescription, committed: Array<{topic: string; partition: number; offset: bigint}>, bounds: Map<string, {start: bigint | null; end: bigint | null}>): GroupView {
  const owner = new Map<string, GroupDescription['members'][number]>();
  for (const m of desc.members) for (const a of m.assignment) owner.set(key(a.topic, a.partition), m);
  const current = new Map(committed.map((c) => [key(c.topic, c.partition), c.offset]));
  const tps = new Map<string, {topic: string; partition: number}>();
  for (const c of committed) tps.set(key(c.topic, c.partition), c);
  for (const m of desc.members) for (const a of m.assignment) tps.set(key(a.topic, a.partition), a);
  const offsets = [...tps.values()]
    .sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition)
    .map(({topic, partition}) => {
      const k = key(topic, partition);
      const m = owner.get(k);
      const b = bounds.get(k);
      const cur = current.get(k) ?? null;
      return {
        group: desc.groupId, topic, partition,
        currentOffset: cur, logStartOffset: b?.start ?? null, logEndOffset: b?.end ?? null, lag: lagOf(cur, b?.end ?? null),
        consumerId: m?.memberId ?? null, host: m?.clientHost ?? null, clientId: m?.clientId ?? null,
      };
    });
  const byTopic = new Map<string, bigint>();
  for (const r of offsets) byTopic.set(r.topic, (byTopic.get(r.topic) ?? 0n) + (r.lag ?? 0n));
  return {
    group: desc.groupId,
    state: desc.state,
    protocolType: desc.protocolType,
    assignmentStrategy: desc.protocol,
    coordinator: desc.coordinator,
    members: desc.members.map((m) => ({
      consumerId: m.memberId, groupInstanceId: m.groupInstanceId, host: m.clientHost, clientId: m.clientId,
      partitions: m.assignment.length, assignment: m.assignment.map((a) => `${a.topic}-${a.partition}`),
    })),
    offsets,
    totalLagByTopic: [...byTopic].map(([topic, lag]) => ({topic, lag})),
    totalLag: [...byTopic.values()].reduce((a, b) => a + b, 0n),
  };
}

export async function describeGroup(cluster: ClusterClient, groups: GroupClient, groupId: string): Promise<GroupView> {
  const [desc, committed] = await Promise.all([groups.describe(groupId), groups.committedOffsets(groupId)]);
  if (desc.state === 'Dead' && desc.members.length === 0 && committed.length === 0) {
    throw new KstreamError(`consumer group "${groupId}" does not exist`, {hint: 'List groups with `kstream groups list`'});
  }
  const tps = [...committed, ...desc.members.flatMap((m) => m.assignment)];
  return buildGroupView(desc, committed, await offsetBounds(cluster, tps));
}

export async function listGroups(groups: GroupClient, states: string[]): Promise<GroupListing[]> {
  return groups.list(states);
}
