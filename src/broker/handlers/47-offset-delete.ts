/**
 * OffsetDelete (key 47), v0. Deletes a group's committed offsets for some partitions. Unknown
 * topics/partitions get UNKNOWN_TOPIC_OR_PARTITION; partitions of topics an active consumer
 * group subscribes to get GROUP_SUBSCRIBED_TO_TOPIC; a group error (GROUP_ID_NOT_FOUND,
 * NON_EMPTY_GROUP for a non-consumer active group) comes with no topics.
 */
import {ApiKey} from '../../protocol/api.js';
import {ErrorCode} from '../../protocol/error-codes.js';
import type {OffsetDeleteRequest} from '../../protocol/generated/types.js';
import type {TopicPartitionKey} from '../groups/types.js';
import {defineHandler} from '../handler.js';
import {PartitionErrors} from '../groups/partition-errors.js';

export const handler = defineHandler({
  apiKey: ApiKey.OffsetDelete,
  minVersion: 0,
  maxVersion: 0,
  handle: async (request: OffsetDeleteRequest, ctx) => {
    const errors = new PartitionErrors();
    const known: TopicPartitionKey[] = errors.existing(ctx.broker.topics, request.topics)
      .map(({topic, partition}) => ({topic, partition: partition.partitionIndex}));
    const result = await ctx.broker.groups.deleteOffsets(request.groupId, known);
    if (result.errorCode !== ErrorCode.NONE) return {errorCode: result.errorCode, throttleTimeMs: 0, topics: []};
    for (const r of result.partitions) errors.set(r.topic, r.partition, r.errorCode);
    return {errorCode: ErrorCode.NONE, throttleTimeMs: 0, topics: errors.answer(request.topics)};
  },
});
