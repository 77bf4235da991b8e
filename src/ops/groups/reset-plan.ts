/**
 * Planning an offset reset, as a pure function: given each partition's committed offset, log
 * start and log end (and, per target, offsets found by time or taken from a file or another
 * group), compute the new offset the way kafka-consumer-groups --reset-offsets does, clamping
 * to the log's range and saying so.
 */
import {KstreamError} from '../../output/errors.js';

export type ResetTarget =
  | {kind: 'earliest'}
  | {kind: 'latest'}
  | {kind: 'current'}
  | {kind: 'offset'; offset: bigint}
  | {kind: 'shift'; by: bigint}
  /** Offsets found by time (datetime or duration), per `topic:partition`; -1 = no record that recent. */
  | {kind: 'time'; description: string; offsets: Map<string, bigint>}
  /** Explicit offsets per `topic:partition`, from a plan file or another group. */
  | {kind: 'explicit'; description: string; offsets: Map<string, bigint>};

export interface PartitionState {
  topic: string;
  partition: number;
  current: bigint | null;
  logStart: bigint;
  logEnd: bigint;
}

export interface PlanRow {
  group: string;
  topic: string;
  partition: number;
  currentOffset: bigint | null;
  newOffset: bigint;
  lagBefore: bigint | null;
  lagAfter: bigint;
  /** Set when the requested offset was outside the log and was moved to its start or end. */
  clamped: 'log-start' | 'log-end' | null;
}

export interface ResetPlan {
  group: string;
  target: string;
  rows: PlanRow[];
}

export function describeTarget(t: ResetTarget): string {
  switch (t.kind) {
    case 'earliest': return 'earliest';
    case 'latest': return 'latest';
    case 'current': return 'current';
    case 'offset': return `offset ${t.offset}`;
    case 'shift': return `shift by ${t.by}`;
    case 'time':
    case 'explicit': return t.description;
  }
}

function clamp(offset: bigint, p: PartitionState): {offset: bigint; clamped: PlanRow['clamped']} {
  if (offset < p.logStart) return {offset: p.logStart, clamped: 'log-start'};
  if (offset > p.logEnd) return {offset: p.logEnd, clamped: 'log-end'};
  return {offset, clamped: null};
}

function requested(t: ResetTarget, p: PartitionState, key: string): bigint | undefined {
  switch (t.kind) {
    case 'earliest': return p.logStart;
    case 'latest': return p.logEnd;
    // Kafka's tool resets partitions without a committed offset to the log end.
    case 'current': return p.current ?? p.logEnd;
    case 'offset': return t.offset;
    case 'shift':
      if (p.current === null) {
        throw new KstreamError(`cannot shift ${p.topic}-${p.partition}: the group has no committed offset there`, {hint: 'Reset it with --to-earliest/--to-latest/--to-offset first, or leave it out of --topic', exitCode: 2});
      }
      return p.current + t.by;
    case 'time': {
      const found = t.offsets.get(key);
      return found === undefined || found < 0n ? p.logEnd : found;
    }
    case 'explicit': return t.offsets.get(key);
  }
}

export function planOffsetReset(group: string, partitions: PartitionState[], target: ResetTarget): ResetPlan {
  const rows: PlanRow[] = [];
  for (const p of [...partitions].sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition)) {
    const key = `${p.topic}:${p.partition}`;
    const want = requested(target, p, key);
    if (want === undefined) continue;
    const {offset, clamped} = clamp(want, p);
    rows.push({
      group, topic: p.topic, partition: p.partition,
      currentOffset: p.current, newOffset: offset,
      lagBefore: p.current === null ? null : p.logEnd - p.current,
      lagAfter: p.logEnd - offset,
      clamped,
    });
  }
  return {group, target: describeTarget(target), rows};
}
