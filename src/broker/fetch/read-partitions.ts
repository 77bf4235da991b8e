/**
 * One pass over the partitions of a Fetch: read whole batches from each log under the
 * request-wide and per-partition byte limits, with Kafka's KIP-74 rule (v3+): the first
 * partition that has data returns at least one whole batch even if it exceeds the limits, so
 * a consumer can never be stuck behind a batch larger than its max bytes.
 */
import {ErrorCode} from '../../protocol/error-codes.js';
import type {TopicInfo} from '../topics/topic-manager.js';
import type {TopicManager} from '../topics/topic-manager.js';
import {checkLeaderEpoch} from '../partition-state.js';
import type {FetchTarget} from './fetch-session.js';

export interface PartitionRead {
  target: FetchTarget;
  /** The resolved topic, absent when the topic key named no topic. */
  topic: TopicInfo | undefined;
  errorCode: number;
  highWatermark: bigint;
  lastStableOffset: bigint;
  logStartOffset: bigint;
  records: Buffer;
  /** The read started in an older segment than the high watermark's, so it stopped at that segment's end. */
  olderSegment: boolean;
}

export interface ReadOptions {
  /** Topic keys are topic ids (Fetch v13+) rather than names. */
  byTopicId: boolean;
  /** Response-wide byte limit (request max_bytes capped by fetch.max.bytes). */
  maxBytes: number;
  /** KIP-74 (v3+): the first non-empty partition returns at least one batch. */
  minOneBatch: boolean;
}

const EMPTY = Buffer.alloc(0);

export async function readPartitions(topics: TopicManager, targets: FetchTarget[], options: ReadOptions): Promise<PartitionRead[]> {
  let remaining = options.maxBytes;
  let minOne = options.minOneBatch;
  const results: PartitionRead[] = [];
  for (const target of targets) {
    const topic = options.byTopicId ? topics.getById(target.topicKey) : topics.get(target.topicKey);
    const unknown = options.byTopicId ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
    // A partition whose log is being created reads as the empty log it will be.
    const log = topic && topics.readView(topic.name, target.partition);
    if (!topic || !log) {
      results.push(failed(target, topic, topic ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : unknown));
      continue;
    }
    const epochError = checkLeaderEpoch(target.currentLeaderEpoch, log);
    if (epochError !== ErrorCode.NONE) {
      results.push(failed(target, topic, epochError));
      continue;
    }
    const highWatermark = log.highWatermark;
    const logStartOffset = log.logStartOffset;
    if (target.fetchOffset < logStartOffset || target.fetchOffset > log.logEndOffset) {
      results.push(failed(target, topic, ErrorCode.OFFSET_OUT_OF_RANGE));
      continue;
    }
    const limit = Math.max(0, Math.min(target.maxBytes, remaining));
    let records: Buffer = EMPTY;
    if (target.fetchOffset < highWatermark && (limit > 0 || minOne)) {
      try {
        records = await log.read(target.fetchOffset, limit, {minOneBatch: minOne, maxOffset: highWatermark});
      } catch (err) {
        const code = (err as {errorCode?: number}).errorCode
          ?? ((err as Error).name === 'OffsetOutOfRangeError' ? ErrorCode.OFFSET_OUT_OF_RANGE : ErrorCode.KAFKA_STORAGE_ERROR);
        results.push(failed(target, topic, code));
        continue;
      }
    }
    if (records.length > 0) {
      minOne = false;
      remaining = Math.max(0, remaining - records.length);
    }
    // No transactions yet, so the last stable offset is the high watermark.
    const olderSegment = target.fetchOffset < highWatermark && log.onOlderSegment(target.fetchOffset);
    results.push({target, topic, errorCode: ErrorCode.NONE, highWatermark, lastStableOffset: highWatermark, logStartOffset, records, olderSegment});
  }
  return results;
}

function failed(target: FetchTarget, topic: TopicInfo | undefined, errorCode: number): PartitionRead {
  return {target, topic, errorCode, highWatermark: -1n, lastStableOffset: -1n, logStartOffset: -1n, records: EMPTY, olderSegment: false};
}
