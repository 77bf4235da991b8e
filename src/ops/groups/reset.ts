/** `kstream groups reset-offsets`: gather the facts, plan (pure), and commit only with --execute. */
import {ClusterClient, leadersOf} from '../../client/cluster-client.js';
import {GroupClient} from '../../client/groups.js';
import {KstreamError, UsageError} from '../../output/errors.js';
import {topicMetadata} from '../topics/describe.js';
import {offsetBounds} from './describe.js';
import {PartitionState, planOffsetReset, ResetPlan, ResetTarget} from './reset-plan.js';

export type TargetSpec =
  | {kind: 'earliest' | 'latest' | 'current'}
  | {kind: 'offset'; offset: bigint}
  | {kind: 'shift'; by: bigint}
  | {kind: 'datetime'; timestampMs: number; text: string}
  | {kind: 'duration'; ms: number; text: string}
  | {kind: 'file'; offsets: Map<string, bigint>; fileName: string}
  | {kind: 'group'; group: string};

export interface ResetScope {
  allTopics: boolean;
  /** --topic T or T:0,1,2 (partitions undefined = all of the topic's partitions). */
  topics: Array<{topic: string; partitions?: number[]}>;
}

export interface ResetResult extends ResetPlan {
  executed: boolean;
}

/** Parse one --topic value: `orders` or `orders:0,1,2`. */
export function parseTopicScope(text: string): {topic: string; partitions?: number[]} {
  const i = text.lastIndexOf(':');
  if (i < 0) return {topic: text};
  const topic = text.slice(0, i);
  const list = text.slice(i + 1);
  if (topic === '' || !/^\d+(,\d+)*$/.test(list)) throw new UsageError(`invalid --topic "${text}"`, 'Expected TOPIC or TOPIC:0,1,2');
  return {topic, partitions: list.split(',').map(Number)};
}

const key = (t: string, p: number) => `${t}:${p}`;

/** Refuse while the group has members: their next commit would overwrite the reset. */
export function assertInactive(group: string, state: string, members: Array<{memberId: string; clientHost: string; clientId: string}>): void {
  if (members.length === 0 && (state === 'Empty' || state === 'Dead')) return;
  const names = members.map((m) => `${m.memberId} (client ${m.clientId}, host ${m.clientHost})`).join(', ');
  throw new KstreamError(`group "${group}" is ${state} with ${members.length} active member(s): ${names || 'none listed'}`, {
    hint: 'Offsets can only be reset while the group is inactive: stop its consumers, wait for their sessions to end (session.timeout.ms), and check with `kstream groups describe ' + group + ' --state`',
  });
}

async function scopePartitions(cluster: ClusterClient, group: string, scope: ResetScope, committed: Array<{topic: string; partition: number}>, target: TargetSpec, groups: GroupClient): Promise<Array<{topic: string; partition: number}>> {
  if (scope.topics.length > 0) {
    const md = await topicMetadata(cluster, [...new Set(scope.topics.map((s) => s.topic))]);
    const out: Array<{topic: string; partition: number}> = [];
    for (const s of scope.topics) {
      const all = md.topics.find((t) => t.name === s.topic)!.partitions.map((p) => p.partitionIndex).sort((a, b) => a - b);
      for (const p of s.partitions ?? all) {
        if (!all.includes(p)) throw new KstreamError(`topic "${s.topic}" has no partition ${p}`, {exitCode: 2});
        out.push({topic: s.topic, partition: p});
      }
    }
    return out;
  }
  if (scope.allTopics) return committed;
  if (target.kind === 'file') return [...target.offsets.keys()].map((k) => ({topic: k.slice(0, k.lastIndexOf(':')), partition: Number(k.slice(k.lastIndexOf(':') + 1))}));
  if (target.kind === 'group') return (await groups.committedOffsets(target.group)).map(({topic, partition}) => ({topic, partition}));
  throw new UsageError(`say which partitions of group "${group}" to reset`, 'Pass --all-topics or --topic TOPIC[:PARTITIONS] (repeatable)');
}

async function resolveTarget(cluster: ClusterClient, groups: GroupClient, spec: TargetSpec, tps: Array<{topic: string; partition: number}>, nowMs: number): Promise<ResetTarget> {
  switch (spec.kind) {
    case 'earliest': case 'latest': case 'current': return {kind: spec.kind};
    case 'offset': return spec;
    case 'shift': return spec;
    case 'file': return {kind: 'explicit', description: `from file ${spec.fileName}`, offsets: spec.offsets};
    case 'group': {
      const other = await groups.committedOffsets(spec.group);
      if (other.length === 0) throw new KstreamError(`group "${spec.group}" has no committed offsets to copy`);
      return {kind: 'explicit', description: `copied from group ${spec.group}`, offsets: new Map(other.map((o) => [key(o.topic, o.partition), o.offset]))};
    }
    case 'datetime':
    case 'duration': {
      const ts = spec.kind === 'datetime' ? spec.timestampMs : nowMs - spec.ms;
      const md = await cluster.metadata([...new Set(tps.map((t) => t.topic))]);
      const found = await cluster.listOffsets(tps, BigInt(ts), leadersOf(md));
      const offsets = new Map<string, bigint>();
      for (const [k, r] of found) offsets.set(k, r.errorCode === 0 ? r.offset : -1n);
      const description = spec.kind === 'datetime' ? `datetime ${new Date(ts).toISOString()}` : `duration ${spec.text} (${new Date(ts).toISOString()})`;
      return {kind: 'time', description, offsets};
    }
  }
}

export async function resetOffsets(
  cluster: ClusterClient,
  group: string,
  scope: ResetScope,
  spec: TargetSpec,
  options: {execute: boolean; nowMs: number},
): Promise<ResetResult> {
  const groups = new GroupClient(cluster);
  const desc = await groups.describe(group);
  assertInactive(group, desc.state, desc.members);
  const committed = await groups.committedOffsets(group);
  const tps = await scopePartitions(cluster, group, scope, committed, spec, groups);
  if (tps.length === 0) throw new KstreamError(`nothing to reset: group "${group}" has no committed offsets in that scope`, {hint: 'Name the partitions with --topic'});
  const bounds = await offsetBounds(cluster, tps);
  const current = new Map(committed.map((c) => [key(c.topic, c.partition), c.offset]));
  const states: PartitionState[] = tps.map(({topic, partition}) => {
    const b = bounds.get(key(topic, partition));
    if (!b || b.start === null || b.end === null) throw new KstreamError(`cannot read the offsets of ${topic}-${partition}`, {hint: 'Is its leader available? See `kstream partitions list --unavailable`'});
    return {topic, partition, current: current.get(key(topic, partition)) ?? null, logStart: b.start, logEnd: b.end};
  });
  const plan = planOffsetReset(group, states, await resolveTarget(cluster, groups, spec, tps, options.nowMs));
  if (options.execute && plan.rows.length > 0) {
    // Check again right before committing: a consumer may have joined while we planned.
    const again = await groups.describe(group);
    assertInactive(group, again.state, again.members);
    await groups.commit(group, plan.rows.map((r) => ({topic: r.topic, partition: r.partition, offset: r.newOffset})));
  }
  return {...plan, executed: options.execute === true};
}
