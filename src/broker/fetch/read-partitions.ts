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
import {nextTurn, PARTITIONS_PER_TURN} from '../turns.js';
import type {ReadArena} from '../../storage/read-arena.js';

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
  /** Where small synchronous reads put their bytes, until the response is encoded. */
  arena?: ReadArena;
  /** Topic keys are topic ids (Fetch v13+) rather than names. */
  byTopicId: boolean;
  /** Response-wide byte limit (request max_bytes capped by fetch.max.bytes). */
  maxBytes: number;
  /** KIP-74 (v3+): the first non-empty partition returns at least one batch. */
  minOneBatch: boolean;
  /** One line for the broker's log: a read that found a damaged batch. */
  log?: (line: string) => void;
}

const EMPTY = Buffer.alloc(0);

/**
 * Reads of one Fetch through the thread pool in flight at once. Small reads of open files are
 * made synchronously (PartitionLog.readNow); the others, made one after the other, would each wait
 * for a round trip to the pool.
 */
export const READS_AT_ONCE = 16;

export async function readPartitions(topics: TopicManager, targets: FetchTarget[], options: ReadOptions): Promise<PartitionRead[]> {
  // As if the partitions were read one after the other, in order: a read's byte limit and KIP-74
  // flag come from the reads before it, so a read starts while others are in flight only when
  // they cannot change those (none of them can return data beyond its own limit, and what they
  // may return still leaves this partition its whole limit); otherwise it waits for them.
  let remaining = options.maxBytes; // less the bytes returned by finished reads
  let minOne = options.minOneBatch; // until a finished read returned data
  let inFlightLimits = 0; // the most the reads in flight can return
  const inFlight = new Set<Promise<void>>();
  let failure: {err: unknown} | undefined;
  const results = new Array<PartitionRead>(targets.length);
  for (let k = 0; k < targets.length && !failure; k++) {
    // Thousands of partitions: other connections are served between turns (../turns.ts).
    if (k > 0 && k % PARTITIONS_PER_TURN === 0) await nextTurn();
    const target = targets[k]!;
    const topic = options.byTopicId ? topics.getById(target.topicKey) : topics.get(target.topicKey);
    const unknown = options.byTopicId ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
    // A partition whose log is being created reads as the empty log it will be.
    const log = topic && topics.readView(topic.name, target.partition);
    if (!topic || !log) {
      results[k] = failed(target, topic, topic ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : unknown);
      continue;
    }
    const epochError = checkLeaderEpoch(target.currentLeaderEpoch, log);
    if (epochError !== ErrorCode.NONE) {
      results[k] = failed(target, topic, epochError);
      continue;
    }
    if (target.fetchOffset < log.highWatermark) {
      for (;;) {
        const settled = inFlight.size === 0 || (!minOne && remaining - inFlightLimits >= target.maxBytes);
        if (settled && inFlight.size < READS_AT_ONCE) break;
        await Promise.race(inFlight);
      }
      if (failure) break;
    }
    const highWatermark = log.highWatermark;
    const logStartOffset = log.logStartOffset;
    if (target.fetchOffset < logStartOffset || target.fetchOffset > log.logEndOffset) {
      results[k] = failed(target, topic, ErrorCode.OFFSET_OUT_OF_RANGE);
      continue;
    }
    const limit = Math.max(0, Math.min(target.maxBytes, remaining - inFlightLimits));
    if (!(target.fetchOffset < highWatermark && (limit > 0 || minOne))) {
      const olderSegment = target.fetchOffset < highWatermark && log.onOlderSegment(target.fetchOffset);
      results[k] = {target, topic, errorCode: ErrorCode.NONE, highWatermark, lastStableOffset: highWatermark, logStartOffset, records: EMPTY, olderSegment};
      continue;
    }
    // Most reads are small and of open files, made at once; the others go through the thread pool.
    let now: Buffer | undefined;
    try {
      now = log.readNow(target.fetchOffset, limit, {minOneBatch: minOne, maxOffset: highWatermark, arena: options.arena});
    } catch (err) {
      results[k] = readFailed(target, topic, err, options);
      continue;
    }
    const done = (records: Buffer) => {
      if (records.length > 0) {
        minOne = false;
        remaining = Math.max(0, remaining - records.length);
      }
      // No transactions yet, so the last stable offset is the high watermark.
      const olderSegment = log.onOlderSegment(target.fetchOffset);
      results[k] = {target, topic, errorCode: ErrorCode.NONE, highWatermark, lastStableOffset: highWatermark, logStartOffset, records, olderSegment};
    };
    if (now !== undefined) {
      done(now);
      continue;
    }
    inFlightLimits += limit;
    const read = log.read(target.fetchOffset, limit, {minOneBatch: minOne, maxOffset: highWatermark}).then(
      (records) => {
        inFlightLimits -= limit;
        done(records);
      },
      (err: unknown) => {
        inFlightLimits -= limit;
        results[k] = readFailed(target, topic, err, options);
      },
    ).catch((err: unknown) => { failure ??= {err}; });
    inFlight.add(read);
    void read.then(() => inFlight.delete(read));
  }
  await Promise.all(inFlight);
  if (failure) throw failure.err;
  return results;
}

/** A partition whose read failed: Kafka's code when the error carries one; a damaged batch is logged. */
function readFailed(target: FetchTarget, topic: TopicInfo, err: unknown, options: ReadOptions): PartitionRead {
  const code = (err as {errorCode?: number}).errorCode
    ?? ((err as Error).name === 'OffsetOutOfRangeError' ? ErrorCode.OFFSET_OUT_OF_RANGE : ErrorCode.KAFKA_STORAGE_ERROR);
  if (code === ErrorCode.CORRUPT_MESSAGE) options.log?.(`fetch from ${topic.name}-${target.partition} at offset ${target.fetchOffset} failed: ${(err as Error).message}`);
  return failed(target, topic, code);
}

function failed(target: FetchTarget, topic: TopicInfo | undefined, errorCode: number): PartitionRead {
  return {target, topic, errorCode, highWatermark: -1n, lastStableOffset: -1n, logStartOffset: -1n, records: EMPTY, olderSegment: false};
}
