/**
 * The sliding window: the last N samples of every group's partitions and the last M (log end,
 * time) points of every partition. Adding a snapshot is the only mutation; evaluation
 * (evaluate.ts) reads the window and never changes it.
 */
import type {OffsetSample} from './rules.js';
import type {EndPoint} from './time-lag.js';
import type {RawGroup, RawSnapshot} from './types.js';

export interface WindowOptions {
  /** Samples kept per group/partition (Burrow's default `intervals` is 10). */
  samples: number;
  /** (log end, time) points kept per partition for rates and estimates. */
  endPoints: number;
}

export const DEFAULT_WINDOW: WindowOptions = {samples: 10, endPoints: 60};

export const partitionKey = (topic: string, partition: number): string => `${topic}:${partition}`;
export const groupPartitionKey = (group: string, topic: string, partition: number): string => `${group}|${topic}:${partition}`;

function pushBounded<T>(list: T[], item: T, max: number): void {
  list.push(item);
  if (list.length > max) list.splice(0, list.length - max);
}

export class LagWindow {
  readonly offsets = new Map<string, OffsetSample[]>();
  readonly endPoints = new Map<string, EndPoint[]>();
  /** Total lag of each group at each snapshot (for the sparkline). */
  readonly totals = new Map<string, number[]>();
  latest: RawSnapshot | null = null;
  /** Times of the snapshots in the window, oldest first. */
  readonly times: number[] = [];

  constructor(readonly options: WindowOptions = DEFAULT_WINDOW) {}

  add(snapshot: RawSnapshot): void {
    this.latest = snapshot;
    pushBounded(this.times, snapshot.atMs, this.options.samples);
    for (const [key, offset] of snapshot.logEndOffsets) {
      const points = this.endPoints.get(key) ?? [];
      // A log end that went down means the partition was truncated or recreated: start over.
      if (points.length > 0 && points[points.length - 1].offset > offset) points.length = 0;
      pushBounded(points, {atMs: snapshot.atMs, offset}, this.options.endPoints);
      this.endPoints.set(key, points);
    }
    const seen = new Set<string>();
    for (const group of snapshot.groups) {
      let total = 0n;
      for (const [key, offset] of group.committed) {
        const end = snapshot.logEndOffsets.get(key);
        if (end === undefined) continue;
        const lag = end > offset ? end - offset : 0n;
        total += lag;
        const gpKey = `${group.groupId}|${key}`;
        seen.add(gpKey);
        const samples = this.offsets.get(gpKey) ?? [];
        pushBounded(samples, {atMs: snapshot.atMs, offset, lag}, this.options.samples);
        this.offsets.set(gpKey, samples);
      }
      const totals = this.totals.get(group.groupId) ?? [];
      pushBounded(totals, Number(total), this.options.samples * 3);
      this.totals.set(group.groupId, totals);
    }
    // Forget partitions whose offsets were deleted, and groups that are gone.
    for (const key of this.offsets.keys()) if (!seen.has(key)) this.offsets.delete(key);
    const groups = new Set(snapshot.groups.map((g: RawGroup) => g.groupId));
    for (const key of this.totals.keys()) if (!groups.has(key)) this.totals.delete(key);
  }
}
