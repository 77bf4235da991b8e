/**
 * Lag in time. Measured when the record at the committed offset could be read: now minus its
 * timestamp (clamped at zero against clock skew). Otherwise estimated, like kafka-lag-exporter's
 * LookupTable: the log end offset is sampled with the time of each sample, and the time at which
 * the log end passed the committed offset is interpolated between the two points around it (or
 * extrapolated from the table's overall slope when it is older than the table). Every outcome is
 * a tagged value; nothing is NaN.
 */
import type {OldestRecord, TimeLag} from './types.js';

/** A sampled (log end offset, time) point. */
export interface EndPoint {
  atMs: number;
  offset: bigint;
}

export function measuredTimeLag(oldest: OldestRecord, nowMs: number): TimeLag {
  return {kind: 'measured', lagMs: Math.max(0, nowMs - oldest.timestampMs), precision: oldest.precision};
}

/**
 * When the record at `offset` was appended, from points sorted by time (offsets never decrease
 * in a healthy log; a truncated log restarts the table). null when the points cannot tell.
 */
export function appendTimeOf(points: EndPoint[], offset: bigint): number | null {
  // The record at `offset` exists once the log end is past it.
  const target = offset + 1n;
  if (points.length < 2) return null;
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1];
    const b = points[i];
    if (a.offset < target && b.offset >= target) {
      const span = Number(b.offset - a.offset);
      return a.atMs + ((b.atMs - a.atMs) * Number(target - a.offset)) / span;
    }
  }
  const first = points[0];
  const last = points[points.length - 1];
  if (target > first.offset) return null; // not appended yet: the table cannot place it
  const rate = Number(last.offset - first.offset) / (last.atMs - first.atMs);
  if (!(rate > 0)) return null; // a quiet topic: no slope to extrapolate with
  return first.atMs - Number(first.offset - target) / rate;
}

export function estimatedTimeLag(points: EndPoint[], committed: bigint, nowMs: number): TimeLag {
  const at = appendTimeOf(points, committed);
  if (at === null) {
    return {kind: 'no-data', reason: points.length < 2 ? 'needs two samples of the log end offset' : 'no production seen to estimate from'};
  }
  return {kind: 'estimated', lagMs: Math.max(0, Math.round(nowMs - at))};
}

/** The time lag of a partition from whatever is known about it. */
export function timeLagOf(input: {committed: bigint | null; lag: bigint | null; oldest?: OldestRecord; points: EndPoint[]; nowMs: number}): TimeLag {
  if (input.committed === null) return {kind: 'no-data', reason: 'no committed offset'};
  if (input.lag === null) return {kind: 'no-data', reason: 'log end offset unknown'};
  if (input.lag === 0n) return {kind: 'caught-up', lagMs: 0};
  if (input.oldest) return measuredTimeLag(input.oldest, input.nowMs);
  return estimatedTimeLag(input.points, input.committed, input.nowMs);
}
