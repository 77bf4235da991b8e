/**
 * From the window to the report every renderer shows: per partition lag in records and time,
 * rates, time to catch up and Burrow's status; per group the totals. Pure: the time comes in
 * as `nowMs`.
 */
import {groupStatus, OffsetSample, partitionStatus} from './rules.js';
import {EndPoint, timeLagOf} from './time-lag.js';
import type {CatchUp, GroupLag, LagReport, PartitionLag, RawGroup, TimeLag} from './types.js';
import {LagWindow, partitionKey} from './window.js';

/** Records per second between the first and last sample, null with fewer than two or no time between. */
export function ratePerSec(points: Array<{atMs: number; offset: bigint}>): number | null {
  if (points.length < 2) return null;
  const first = points[0];
  const last = points[points.length - 1];
  const ms = last.atMs - first.atMs;
  if (ms <= 0) return null;
  return (Number(last.offset - first.offset) * 1000) / ms;
}

/** The samples since the last rewind: a reset must not show up as a negative consume rate. */
function sinceLastRewind(samples: OffsetSample[]): OffsetSample[] {
  for (let i = samples.length - 1; i > 0; i--) if (samples[i].offset < samples[i - 1].offset) return samples.slice(i);
  return samples;
}

export function catchUpOf(lag: bigint | null, consumeRate: number | null, produceRate: number | null): CatchUp {
  if (lag === 0n) return {kind: 'caught-up'};
  if (lag === null || consumeRate === null || produceRate === null) return {kind: 'no-data'};
  const net = consumeRate - produceRate;
  if (net <= 0) return {kind: 'never'};
  return {kind: 'eta', ms: Math.round((Number(lag) / net) * 1000)};
}

/** Order of time lags for "largest": any value beats no value. */
export function timeLagMs(t: TimeLag): number {
  return t.kind === 'no-data' ? -1 : t.lagMs;
}

function evaluatePartition(window: LagWindow, group: RawGroup, topic: string, partition: number, owners: Map<string, {memberId: string; clientId: string; host: string}>, nowMs: number): PartitionLag {
  const key = partitionKey(topic, partition);
  const snapshot = window.latest!;
  const committed = group.committed.get(key) ?? null;
  const end = snapshot.logEndOffsets.get(key) ?? null;
  const lag = committed === null || end === null ? null : end > committed ? end - committed : 0n;
  const samples = window.offsets.get(`${group.groupId}|${key}`) ?? [];
  const points: EndPoint[] = window.endPoints.get(key) ?? [];
  const consumeRate = ratePerSec(sinceLastRewind(samples));
  const produceRate = ratePerSec(points.slice(-window.options.samples));
  const owner = owners.get(key);
  return {
    group: group.groupId, topic, partition,
    committedOffset: committed, logEndOffset: end, lag,
    timeLag: timeLagOf({committed, lag, oldest: snapshot.oldest.get(`${group.groupId}|${key}`), points, nowMs}),
    consumeRate, produceRate,
    catchUp: catchUpOf(lag, consumeRate, produceRate),
    status: committed === null ? 'OK' : partitionStatus(samples, owner !== undefined),
    consumerId: owner?.memberId ?? null, clientId: owner?.clientId ?? null, host: owner?.host ?? null,
  };
}

function sumRates(values: Array<number | null>): number | null {
  const known = values.filter((v): v is number => v !== null);
  return known.length === 0 ? null : known.reduce((a, b) => a + b, 0);
}

export function evaluateGroup(window: LagWindow, group: RawGroup, nowMs: number): GroupLag {
  const owners = new Map<string, {memberId: string; clientId: string; host: string}>();
  for (const m of group.members) for (const a of m.assignment) owners.set(partitionKey(a.topic, a.partition), m);
  const keys = new Map<string, {topic: string; partition: number}>();
  for (const key of group.committed.keys()) {
    const i = key.lastIndexOf(':');
    keys.set(key, {topic: key.slice(0, i), partition: Number(key.slice(i + 1))});
  }
  for (const m of group.members) for (const a of m.assignment) keys.set(partitionKey(a.topic, a.partition), a);
  const partitions = [...keys.values()]
    .sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition)
    .map((tp) => evaluatePartition(window, group, tp.topic, tp.partition, owners, nowMs));
  const totalLag = partitions.reduce((sum, p) => sum + (p.lag ?? 0n), 0n);
  const maxTimeLag = partitions.reduce<TimeLag>((worst, p) => (timeLagMs(p.timeLag) > timeLagMs(worst) ? p.timeLag : worst), {kind: 'no-data', reason: 'no committed offsets'});
  const consumeRate = sumRates(partitions.map((p) => p.consumeRate));
  const produceRate = sumRates(partitions.map((p) => p.produceRate));
  return {
    group: group.groupId,
    state: group.state,
    members: group.members.map((m) => ({consumerId: m.memberId, clientId: m.clientId, host: m.host, partitions: m.assignment.length})),
    status: groupStatus(partitions.map((p) => p.status)),
    totalLag, maxTimeLag, consumeRate, produceRate,
    catchUp: catchUpOf(totalLag, consumeRate, produceRate),
    trend: window.totals.get(group.groupId) ?? [],
    partitions,
  };
}

/** The report for the window's latest snapshot. */
export function evaluate(window: LagWindow, nowMs: number): LagReport {
  const snapshot = window.latest;
  if (!snapshot) return {atMs: nowMs, samples: 0, windowMs: 0, groups: []};
  return {
    atMs: snapshot.atMs,
    samples: window.times.length,
    windowMs: snapshot.atMs - window.times[0],
    groups: snapshot.groups.map((g) => evaluateGroup(window, g, nowMs)).sort((a, b) => (b.totalLag > a.totalLag ? 1 : b.totalLag < a.totalLag ? -1 : a.group.localeCompare(b.group))),
  };
}
