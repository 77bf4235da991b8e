/**
 * OffsetForLeaderEpoch (key 23), v0-v4: consumers validate their position after a leader change
 * (KIP-320) by asking where an epoch ends. The current epoch ends at the log end offset (Kafka
 * records it when the leader is elected, even before any append); older epochs end where the
 * next one starts, from the leader-epoch-checkpoint; unknown ones give epoch and offset -1.
 * v2+ fence the caller's current leader epoch; v1+ report the epoch found.
 */
import {ApiKey} from '../../protocol/api.js';
import {ErrorCode} from '../../protocol/error-codes.js';
import {defineHandler, HandlerContext} from '../handler.js';
import {checkLeaderEpoch, leaderEpochOf} from '../partition-state.js';

interface OffsetForLeaderEpochRequest {
  replicaId: number;
  topics: {topic: string; partitions: {partition: number; currentLeaderEpoch: number; leaderEpoch: number}[]}[];
}

export const handler = defineHandler({
  apiKey: ApiKey.OffsetForLeaderEpoch,
  minVersion: 0,
  maxVersion: 4,
  handle: async (request: OffsetForLeaderEpochRequest, ctx) => ({
    throttleTimeMs: 0,
    topics: request.topics.map((t) => ({
      topic: t.topic,
      partitions: t.partitions.map((p) => endOfEpoch(t.topic, p, ctx)),
    })),
  }),
});

function endOfEpoch(topic: string, p: OffsetForLeaderEpochRequest['topics'][number]['partitions'][number], ctx: HandlerContext) {
  const answer = (errorCode: number, leaderEpoch = -1, endOffset = -1n) => ({errorCode, partition: p.partition, leaderEpoch, endOffset});
  // A partition whose log is being created: epoch 0 from offset 0, ending at 0.
  const log = ctx.broker.topics.readView(topic, p.partition);
  if (!log) return answer(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  const fenced = checkLeaderEpoch(p.currentLeaderEpoch, log);
  if (fenced !== ErrorCode.NONE) return answer(fenced);
  const current = leaderEpochOf(log);
  if (p.leaderEpoch === current) return answer(ErrorCode.NONE, current, log.logEndOffset);
  if (p.leaderEpoch < 0 || p.leaderEpoch > current) return answer(ErrorCode.NONE);
  const found = log.endOffsetForEpoch(p.leaderEpoch);
  return answer(ErrorCode.NONE, found.leaderEpoch, found.endOffset);
}
