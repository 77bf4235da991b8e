/**
 * One pass over the partitions of a Fetch: read whole batches from each log under the
 * request-wide and per-partition byte limits, with Kafka's KIP-74 rule (v3+): the first
 * partition that has data returns at least one whole batch even if it exceeds the limits, so
 * a consumer can never be stuck behind a batch larger than its max bytes.
 */
import {ErrorCode} from '../../protocol/error-codes.js';
import type {TopicInfo} from '../topics/topic-manager.js';
import type {TopicManager} from '../topics/topic-manager.js';
import {checkLeaderEpoch, type PartitionView} from '../partition-state.js';
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

/** What the reads of one Fetch share while it runs: the request-wide limit and the KIP-74 flag. */
interface ReadState {
  /** Less the bytes returned by finished reads. */
  remaining: number;
  /** Until a finished read returned data. */
  minOne: boolean;
  /** The most the reads in flight can return. */
  inFlightLimits: number;
  readonly inFlight: Set<Promise<void>>;
  failure: {err: unknown} | undefined;
  readonly results: PartitionRead[];
}

export async function readPartitions(topics: TopicManager, targets: FetchTarget[], options: ReadOptions): Promise<PartitionRead[]> {
  // As if the partitions were read one after the other, in order: a read's byte limit and KIP-74
  // flag come from the reads before it, so a read starts while others are in flight only when
  // they cannot change those (none of them can return data beyond its own limit, and what they
  // may return still leaves this partition its whole limit); otherwise it waits for them.
  // No closure per partition: most reads finish at once, and a context and callback for each of
  // 10,000 partitions were about a quarter of what such a Fetch allocated (heap sampling).
  const state: ReadState = {remaining: options.maxBytes, minOne: options.minOneBatch, inFlightLimits: 0, inFlight: new Set(), failure: undefined,
    results: new Array<PartitionRead>(targets.length)};
  const {results, inFlight} = state;
  // The topic of the partitions before, looked up again after every wait (it may have been deleted meanwhile).
  let topicKey: string | undefined;
  let topic: TopicInfo | undefined;
  for (let k = 0; k < targets.length && !state.failure; k++) {
    // Thousands of partitions: other connections are served between turns (../turns.ts).
    if (k > 0 && k % PARTITIONS_PER_TURN === 0) {
      await nextTurn();
      topicKey = undefined;
    }
    const target = targets[k]!;
    if (target.topicKey !== topicKey) {
      topicKey = target.topicKey;
      topic = options.byTopicId ? topics.getById(topicKey) : topics.get(topicKey);
    }
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
        const settled = inFlight.size === 0 || (!state.minOne && state.remaining - state.inFlightLimits >= target.maxBytes);
        if (settled && inFlight.size < READS_AT_ONCE) break;
        await Promise.race(inFlight);
        topicKey = undefined;
      }
      if (state.failure) break;
    }
    const highWatermark = log.highWatermark;
    const logStartOffset = log.logStartOffset;
    if (target.fetchOffset < logStartOffset || target.fetchOffset > log.logEndOffset) {
      results[k] = failed(target, topic, ErrorCode.OFFSET_OUT_OF_RANGE);
      continue;
    }
    const limit = Math.max(0, Math.min(target.maxBytes, state.remaining - state.inFlightLimits));
    if (!(target.fetchOffset < highWatermark && (limit > 0 || state.minOne))) {
      const olderSegment = target.fetchOffset < highWatermark && log.onOlderSegment(target.fetchOffset);
      results[k] = {target, topic, errorCode: ErrorCode.NONE, highWatermark, lastStableOffset: highWatermark, logStartOffset, records: EMPTY, olderSegment};
      continue;
    }
    // Most reads are small and of open files, made at once; the others go through the thread pool.
    let now: Buffer | undefined;
    try {
      now = log.readNow(target.fetchOffset, limit, {minOneBatch: state.minOne, maxOffset: highWatermark, arena: options.arena});
    } catch (err) {
      results[k] = readFailed(target, topic, err, options);
      continue;
    }
    if (now !== undefined) results[k] = readDone(state, target, topic, log, highWatermark, logStartOffset, now);
    else readLater(state, k, target, topic, log, limit, highWatermark, logStartOffset, options);
  }
  await Promise.all(inFlight);
  if (state.failure) throw state.failure.err;
  return results;
}

/** The answer of a read that returned `records`, which the reads after it are limited by. */
function readDone(state: ReadState, target: FetchTarget, topic: TopicInfo, log: PartitionView, highWatermark: bigint, logStartOffset: bigint,
  records: Buffer): PartitionRead {
  if (records.length > 0) {
    state.minOne = false;
    state.remaining = Math.max(0, state.remaining - records.length);
  }
  // No transactions yet, so the last stable offset is the high watermark.
  const olderSegment = log.onOlderSegment(target.fetchOffset);
  return {target, topic, errorCode: ErrorCode.NONE, highWatermark, lastStableOffset: highWatermark, logStartOffset, records, olderSegment};
}

/** Start the read of partition `k` through the thread pool; its answer lands in state.results. */
function readLater(state: ReadState, k: number, target: FetchTarget, topic: TopicInfo, log: PartitionView, limit: number,
  highWatermark: bigint, logStartOffset: bigint, options: ReadOptions): void {
  state.inFlightLimits += limit;
  const read = log.read(target.fetchOffset, limit, {minOneBatch: state.minOne, maxOffset: highWatermark}).then(
    (records) => {
      state.inFlightLimits -= limit;
      state.results[k] = readDone(state, target, topic, log, highWatermark, logStartOffset, records);
    },
    (err: unknown) => {
      state.inFlightLimits -= limit;
      state.results[k] = readFailed(target, topic, err, options);
    },
  ).catch((err: unknown) => { state.failure ??= {err}; });
  state.inFlight.add(read);
  void read.then(() => state.inFlight.delete(read));
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
