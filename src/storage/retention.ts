/**
 * Time and size retention (Kafka's UnifiedLog.deleteOldSegments): whole closed segments only,
 * oldest first, never the active one.
 *   retention.ms: delete while now - segment's largest timestamp > retention.ms (the file's
 *                 mtime when no batch has a timestamp)
 *   retention.bytes: delete while the log stays at or above retention.bytes without the segment
 *   log start offset: delete segments wholly below it (after DeleteRecords), for any policy
 */
import type {PartitionLog} from './partition-log.js';
import type {LogSegment} from './segment.js';

export interface RetentionResult {
  byTime: number;
  bySize: number;
  byStartOffset: number;
}

export async function applyRetention(log: PartitionLog, nowMs: number): Promise<RetentionResult> {
  const result: RetentionResult = {byTime: 0, bySize: 0, byStartOffset: 0};
  if (log.config.cleanupPolicy.includes('delete')) {
    const retentionMs = log.config.retentionMs;
    if (retentionMs >= 0) {
      result.byTime = await log.deleteOldSegments(async (segment) => nowMs - (await largestTimestampMs(segment)) > retentionMs);
    }
    const retentionBytes = log.config.retentionBytes;
    if (retentionBytes >= 0) {
      let excess = log.sizeInBytes - retentionBytes;
      result.bySize = await log.deleteOldSegments(async (segment) => {
        if (excess - segment.size < 0) return false;
        excess -= segment.size;
        return true;
      });
    }
  }
  result.byStartOffset = await log.deleteOldSegments(async (_segment, next) => next !== undefined && next.baseOffset <= log.logStartOffset);
  return result;
}

async function largestTimestampMs(segment: LogSegment): Promise<number> {
  const {timestamp} = await segment.largestTimestamp();
  return timestamp >= 0n ? Number(timestamp) : segment.lastModified();
}
