/**
 * ListOffsets (key 2), v0-v10. Special timestamps: -1 latest (high watermark, or the last stable
 * offset for read_committed), -2 earliest (log start), -3 max timestamp (v7+), -4 earliest
 * local (v8+; no tiered storage, so the log start), -5 latest tiered (v9+; nothing is tiered:
 * offset -1). Any other value: the first offset whose timestamp is >= it, or -1 if none.
 * v0 answers in the old shape (old_style_offsets, up to max_num_offsets entries).
 * v4+ checks the current leader epoch and reports the leader epoch.
 * A lookup that fails reading the log (a damaged record) answers that partition with an error code.
 */
import {ApiKey} from '../../protocol/api.js';
import {ErrorCode} from '../../protocol/error-codes.js';
import {toApiError} from '../config/api-error.js';
import {defineHandler, HandlerContext} from '../handler.js';
import {checkLeaderEpoch, leaderEpochOf, type PartitionView} from '../partition-state.js';

const LATEST = -1n;
const EARLIEST = -2n;
const MAX_TIMESTAMP = -3n;
const EARLIEST_LOCAL = -4n;
const LATEST_TIERED = -5n;

interface ListOffsetsRequest {
  replicaId: number;
  isolationLevel: number;
  topics: {name: string; partitions: {partitionIndex: number; currentLeaderEpoch: number; timestamp: bigint; maxNumOffsets: number}[]}[];
}

interface PartitionAnswer {
  partitionIndex: number;
  errorCode: number;
  oldStyleOffsets: bigint[];
  timestamp: bigint;
  offset: bigint;
  leaderEpoch: number;
}

export const handler = defineHandler({
  apiKey: ApiKey.ListOffsets,
  minVersion: 0,
  maxVersion: 10,
  handle: async (request: ListOffsetsRequest, ctx) => {
    // Latest and earliest are answered from memory: no promise per partition, only the lookups
    // that read an index (by timestamp, max timestamp) are awaited, all together.
    let lookups: Promise<void>[] | undefined;
    const topics = request.topics.map((topic) => {
      const partitions = new Array<PartitionAnswer>(topic.partitions.length);
      for (let i = 0; i < topic.partitions.length; i++) {
        const p = topic.partitions[i]!;
        const result = listOffset(topic.name, p, ctx);
        if (result instanceof Promise) {
          (lookups ??= []).push(result.then((answered) => { partitions[i] = answered; },
            (err: unknown) => { partitions[i] = failedLookup(topic.name, p.partitionIndex, err, ctx); }));
        } else {
          partitions[i] = result;
        }
      }
      return {name: topic.name, partitions};
    });
    if (lookups) await Promise.all(lookups);
    return {throttleTimeMs: 0, topics};
  },
});

function listOffset(topic: string, p: ListOffsetsRequest['topics'][number]['partitions'][number], ctx: HandlerContext): PartitionAnswer | Promise<PartitionAnswer> {
  const version = ctx.header.apiVersion;
  // A partition whose log is still being created is answered as the empty log it will be.
  const log = ctx.broker.topics.readView(topic, p.partitionIndex);
  if (!log) return answer(p.partitionIndex, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  const epochError = checkLeaderEpoch(p.currentLeaderEpoch, log);
  if (epochError !== ErrorCode.NONE) return answer(p.partitionIndex, epochError);
  const epoch = leaderEpochOf(log);
  // No transactions yet, so read_committed's last stable offset equals the high watermark.
  const latest = log.highWatermark;
  if (version === 0) return oldStyle(p.partitionIndex, p.timestamp, p.maxNumOffsets, log);
  switch (p.timestamp) {
    case LATEST:
      return answer(p.partitionIndex, ErrorCode.NONE, -1n, latest, epoch);
    case EARLIEST:
    case EARLIEST_LOCAL:
      if (p.timestamp === EARLIEST_LOCAL && version < 8) break;
      return answer(p.partitionIndex, ErrorCode.NONE, -1n, log.logStartOffset, epoch);
    case LATEST_TIERED:
      if (version < 9) break;
      return answer(p.partitionIndex, ErrorCode.NONE, -1n, -1n, -1);
    case MAX_TIMESTAMP:
      if (version < 7) break;
      return log.maxTimestamp().then((max) => (max ? answer(p.partitionIndex, ErrorCode.NONE, max.timestamp, max.offset, epoch)
        : answer(p.partitionIndex, ErrorCode.NONE, -1n, -1n, -1)));
  }
  if (p.timestamp < 0n) {
    return answer(p.partitionIndex, ErrorCode.UNSUPPORTED_VERSION);
  }
  return log.offsetForTimestamp(p.timestamp).then((found) => (!found || found.offset >= latest
    ? answer(p.partitionIndex, ErrorCode.NONE, -1n, -1n, -1)
    : answer(p.partitionIndex, ErrorCode.NONE, found.timestamp, found.offset, epoch)));
}

/**
 * A lookup that failed reading the log answers its partition alone, as Kafka's
 * ReplicaManager.fetchOffset does: the code Errors.forException gives (INVALID_RECORD for a record
 * that does not parse, KAFKA_STORAGE_ERROR for an offline log, UNKNOWN_SERVER_ERROR otherwise) and
 * one log line (none for KAFKA_STORAGE_ERROR, which Kafka logs at debug level only).
 */
function failedLookup(topic: string, partitionIndex: number, err: unknown, ctx: HandlerContext): PartitionAnswer {
  const {errorCode, errorMessage} = toApiError(err);
  if (errorCode !== ErrorCode.KAFKA_STORAGE_ERROR) ctx.broker.log(`list offsets for ${topic}-${partitionIndex} failed: ${errorMessage}`);
  return answer(partitionIndex, errorCode);
}

/** v0: a list of offsets; kstream gives the one offset later versions would give. */
function oldStyle(partition: number, timestamp: bigint, maxNumOffsets: number, log: PartitionView): PartitionAnswer | Promise<PartitionAnswer> {
  if (maxNumOffsets <= 0) return answer(partition, ErrorCode.NONE);
  const offsets = (offset: bigint | undefined): PartitionAnswer => ({...answer(partition, ErrorCode.NONE), oldStyleOffsets: offset === undefined ? [] : [offset]});
  if (timestamp === LATEST) return offsets(log.highWatermark);
  if (timestamp === EARLIEST) return offsets(log.logStartOffset);
  if (timestamp >= 0n) return log.offsetForTimestamp(timestamp).then((found) => offsets(found?.offset));
  return answer(partition, ErrorCode.INVALID_REQUEST);
}

/** No old-style offsets (v1+ answers, and v0 with max_num_offsets 0); shared, the encoder only reads it. */
const NO_OFFSETS: bigint[] = [];

function answer(partitionIndex: number, errorCode: number, timestamp = -1n, offset = -1n, leaderEpoch = -1): PartitionAnswer {
  return {partitionIndex, errorCode, oldStyleOffsets: NO_OFFSETS, timestamp, offset, leaderEpoch};
}
