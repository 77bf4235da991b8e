/**
 * ListOffsets (key 2), v0-v10. Special timestamps: -1 latest (high watermark, or the last stable
 * offset for read_committed), -2 earliest (log start), -3 max timestamp (v7+), -4 earliest
 * local (v8+; no tiered storage, so the log start), -5 latest tiered (v9+; nothing is tiered:
 * offset -1). Any other value: the first offset whose timestamp is >= it, or -1 if none.
 * v0 answers in the old shape (old_style_offsets, up to max_num_offsets entries).
 * v4+ checks the current leader epoch and reports the leader epoch.
 */
import {ApiKey} from '../../protocol/api.js';
import {ErrorCode} from '../../protocol/error-codes.js';
import {defineHandler, HandlerContext} from '../handler.js';
import {checkLeaderEpoch, leaderEpochOf} from '../partition-state.js';

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
  handle: async (request: ListOffsetsRequest, ctx) => ({
    throttleTimeMs: 0,
    topics: await Promise.all(request.topics.map(async (topic) => ({
      name: topic.name,
      partitions: await Promise.all(topic.partitions.map((p) => listOffset(topic.name, p, ctx))),
    }))),
  }),
});

async function listOffset(topic: string, p: ListOffsetsRequest['topics'][number]['partitions'][number], ctx: HandlerContext): Promise<PartitionAnswer> {
  const version = ctx.header.apiVersion;
  const log = ctx.broker.topics.getLog(topic, p.partitionIndex);
  if (!log) return answer(p.partitionIndex, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  const epochError = checkLeaderEpoch(p.currentLeaderEpoch, log);
  if (epochError !== ErrorCode.NONE) return answer(p.partitionIndex, epochError);
  const epoch = leaderEpochOf(log);
  // No transactions yet, so read_committed's last stable offset equals the high watermark.
  const latest = log.highWatermark;
  if (version === 0) return oldStyle(p.partitionIndex, p.timestamp, p.maxNumOffsets, ctx, topic);
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
    case MAX_TIMESTAMP: {
      if (version < 7) break;
      const max = await log.maxTimestamp();
      return max ? answer(p.partitionIndex, ErrorCode.NONE, max.timestamp, max.offset, epoch)
        : answer(p.partitionIndex, ErrorCode.NONE, -1n, -1n, -1);
    }
  }
  if (p.timestamp < 0n) {
    return answer(p.partitionIndex, ErrorCode.UNSUPPORTED_VERSION);
  }
  const found = await log.offsetForTimestamp(p.timestamp);
  if (!found || found.offset >= latest) return answer(p.partitionIndex, ErrorCode.NONE, -1n, -1n, -1);
  return answer(p.partitionIndex, ErrorCode.NONE, found.timestamp, found.offset, epoch);
}

/** v0: a list of offsets; kstream gives the one offset later versions would give. */
async function oldStyle(partition: number, timestamp: bigint, maxNumOffsets: number, ctx: HandlerContext, topic: string): Promise<PartitionAnswer> {
  const log = ctx.broker.topics.getLog(topic, partition)!;
  if (maxNumOffsets <= 0) return {...answer(partition, ErrorCode.NONE), oldStyleOffsets: []};
  let offset: bigint | undefined;
  if (timestamp === LATEST) offset = log.highWatermark;
  else if (timestamp === EARLIEST) offset = log.logStartOffset;
  else if (timestamp >= 0n) offset = (await log.offsetForTimestamp(timestamp))?.offset;
  else return answer(partition, ErrorCode.INVALID_REQUEST);
  return {...answer(partition, ErrorCode.NONE), oldStyleOffsets: offset === undefined ? [] : [offset]};
}

function answer(partitionIndex: number, errorCode: number, timestamp = -1n, offset = -1n, leaderEpoch = -1): PartitionAnswer {
  return {partitionIndex, errorCode, oldStyleOffsets: [], timestamp, offset, leaderEpoch};
}
