/**
 * Where consumption starts (--from): the log start, the end, an absolute offset, N records before
 * the end (kcat's -o -N), or the first record at or after a time (ListOffsets by timestamp).
 * Offsets outside the log are clamped into [log start, log end], so a stale offset starts at the
 * oldest record still there instead of failing.
 */
import {ClusterClient, EARLIEST, LATEST} from '../../client/cluster-client.js';
import {errorName} from '../../protocol/error-codes.js';
import {KstreamError, UsageError} from '../../output/errors.js';
import {parseDateTime} from '../time.js';

export type StartSpec =
  | {kind: 'beginning'}
  | {kind: 'end'}
  | {kind: 'offset'; offset: bigint}
  | {kind: 'before-end'; count: bigint}
  | {kind: 'timestamp'; timestampMs: number};

export function parseFrom(text: string): StartSpec {
  const t = text.trim();
  if (/^(beginning|earliest|start)$/i.test(t)) return {kind: 'beginning'};
  if (/^(end|latest)$/i.test(t)) return {kind: 'end'};
  if (/^\d+$/.test(t)) return {kind: 'offset', offset: BigInt(t)};
  if (/^-\d+$/.test(t)) return {kind: 'before-end', count: -BigInt(t)};
  if (/^@\d+$/.test(t)) return {kind: 'timestamp', timestampMs: Number(t.slice(1))};
  if (/^\d{4}-\d{2}-\d{2}T/.test(t)) return {kind: 'timestamp', timestampMs: parseDateTime(t)};
  throw new UsageError(`invalid --from "${text}"`,
    'Use beginning, end, an offset (42), records before the end (-10), an ISO-8601 time (2024-05-01T12:00:00Z) or @epoch-ms');
}

export interface PartitionBounds {
  logStart: bigint;
  logEnd: bigint;
}

/** Start offset of one partition given its bounds and, for timestamps, the ListOffsets answer. */
export function startOffset(spec: StartSpec, bounds: PartitionBounds, offsetAtTime?: bigint): bigint {
  const clamp = (o: bigint) => (o < bounds.logStart ? bounds.logStart : o > bounds.logEnd ? bounds.logEnd : o);
  switch (spec.kind) {
    case 'beginning': return bounds.logStart;
    case 'end': return bounds.logEnd;
    case 'offset': return clamp(spec.offset);
    case 'before-end': return clamp(bounds.logEnd - spec.count);
    // No record at or after the time: start at the end, like Kafka's offsetsForTimes users do.
    case 'timestamp': return offsetAtTime === undefined || offsetAtTime < 0n ? bounds.logEnd : clamp(offsetAtTime);
  }
}

export interface PartitionStart extends PartitionBounds {
  start: bigint;
}

/** Start offsets (and the bounds they were clamped to) for partitions, asking each partition's leader. */
export async function resolveStartOffsets(cluster: ClusterClient, topic: string, partitions: number[], leaders: Map<string, number>,
  spec: StartSpec): Promise<Map<number, PartitionStart>> {
  const tps = partitions.map((partition) => ({topic, partition}));
  const lookup = async (timestamp: bigint) => {
    const answers = await cluster.listOffsets(tps, timestamp, leaders);
    const out = new Map<number, bigint>();
    for (const p of partitions) {
      const a = answers.get(`${topic}:${p}`);
      if (!a) throw new KstreamError(`partition ${topic}-${p} has no leader`, {hint: 'Try again once the cluster has elected one'});
      if (a.errorCode !== 0) throw new KstreamError(`cannot find offsets of ${topic}-${p}: ${errorName(a.errorCode)}`);
      out.set(p, a.offset);
    }
    return out;
  };
  const [starts, ends, atTime] = await Promise.all([
    lookup(EARLIEST),
    lookup(LATEST),
    spec.kind === 'timestamp' ? lookup(BigInt(spec.timestampMs)) : Promise.resolve(undefined),
  ]);
  return new Map(partitions.map((p) => {
    const bounds = {logStart: starts.get(p)!, logEnd: ends.get(p)!};
    return [p, {...bounds, start: startOffset(spec, bounds, atTime?.get(p))}];
  }));
}
