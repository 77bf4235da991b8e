/**
 * ListOffsets by time over a partition's segments: the first record at or after a timestamp, and
 * the record with the largest timestamp (Kafka's UnifiedLog.fetchOffsetByTimestamp). Segments whose
 * largest timestamp (from the time index) is too small are skipped without reading them.
 */
import type {LogSegment} from './segment.js';

export type TimestampedOffset = {offset: bigint; timestamp: bigint};

/** First record whose timestamp >= `timestampMs`, at or after `logStartOffset`; null if none. */
export async function firstRecordAtOrAfter(segments: LogSegment[], timestampMs: bigint, logStartOffset: bigint): Promise<TimestampedOffset | null> {
  for (const segment of segments) {
    if (segment.size === 0) continue;
    const {timestamp} = await segment.largestTimestamp();
    if (timestamp < timestampMs) continue;
    const found = await segment.findOffsetByTimestamp(timestampMs, logStartOffset);
    if (found) return found;
  }
  return null;
}

/** The record with the largest timestamp, at or after `logStartOffset`; null if none. */
export async function recordWithLargestTimestamp(segments: LogSegment[], logStartOffset: bigint): Promise<TimestampedOffset | null> {
  let best: LogSegment | undefined;
  let bestTs = -1n;
  for (const segment of segments) {
    if (segment.size === 0) continue;
    const {timestamp} = await segment.largestTimestamp();
    if (timestamp > bestTs) [best, bestTs] = [segment, timestamp];
  }
  if (!best) return null;
  return (await best.findOffsetByTimestamp(bestTs, logStartOffset)) ?? null;
}
