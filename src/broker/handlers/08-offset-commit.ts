/**
 * OffsetCommit (key 8), v0-v9.
 * - v0: no generation or member (a simple consumer's commit). v1: per-partition commit
 *   timestamp. v2-v4: RetentionTimeMs (-1 = broker's offsets.retention.minutes). v6+ leader
 *   epoch. v7+ group.instance.id.
 * - Unknown topics and partitions get UNKNOWN_TOPIC_OR_PARTITION here, before the coordinator
 *   (as KafkaApis does); the rest get the coordinator's per-partition errors.
 */
import {ApiKey} from '../../protocol/api.js';
import {ErrorCode} from '../../protocol/error-codes.js';
import type {OffsetCommitRequest} from '../../protocol/generated/types.js';
import type {OffsetToCommit} from '../groups/coordinator.js';
import {defineHandler} from '../handler.js';
import {PartitionErrors} from '../groups/partition-errors.js';

export const handler = defineHandler({
  apiKey: ApiKey.OffsetCommit,
  minVersion: 0,
  maxVersion: 9,
  handle: async (request: OffsetCommitRequest, ctx) => {
    const version = ctx.header.apiVersion;
    const errors = new PartitionErrors();
    const valid: OffsetToCommit[] = errors.existing(ctx.broker.topics, request.topics).map(({topic, partition: p}) => ({
      topic,
      partition: p.partitionIndex,
      offset: p.committedOffset,
      leaderEpoch: version >= 6 ? p.committedLeaderEpoch ?? -1 : -1,
      metadata: p.committedMetadata ?? null,
      commitTimestamp: version === 1 ? p.commitTimestamp ?? -1n : undefined,
    }));
    if (valid.length > 0) {
      const results = await ctx.broker.groups.commitOffsets({
        groupId: request.groupId,
        memberId: version >= 1 ? request.memberId ?? '' : '',
        groupInstanceId: version >= 7 ? request.groupInstanceId ?? null : null,
        generationId: version >= 1 ? request.generationIdOrMemberEpoch ?? -1 : -1,
        retentionTimeMs: version >= 2 && version <= 4 ? request.retentionTimeMs ?? -1n : -1n,
        offsets: valid,
      });
      for (const r of results) errors.set(r.topic, r.partition, r.errorCode);
    }
    return {throttleTimeMs: 0, topics: errors.answer(request.topics)};
  },
});
