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

export const handler = defineHandler({
  apiKey: ApiKey.OffsetDelete,
  minVersion: 0,
  maxVersion: 0,
  handle: async (request: OffsetDeleteRequest, ctx) => {
    const {topics, groups} = ctx.broker;
    const errors = new Map<string, number>();
    const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;
    const known: TopicPartitionKey[] = [];
    for (const topic of request.topics) {
      const info = topics.get(topic.name);
      for (const p of topic.partitions) {
        if (info && p.partitionIndex >= 0 && p.partitionIndex < info.partitions) known.push({topic: topic.name, partition: p.partitionIndex});
        else errors.set(key(topic.name, p.partitionIndex), ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      }
    }
    const result = await groups.deleteOffsets(request.groupId, known);
    if (result.errorCode !== ErrorCode.NONE) return {errorCode: result.errorCode, throttleTimeMs: 0, topics: []};
    for (const r of result.partitions) errors.set(key(r.topic, r.partition), r.errorCode);
    return {
      errorCode: ErrorCode.NONE,
      throttleTimeMs: 0,
      topics: request.topics.map((topic) => ({
        name: topic.name,
        partitions: topic.partitions.map((p) => ({
          partitionIndex: p.partitionIndex,
          errorCode: errors.get(key(topic.name, p.partitionIndex)) ?? ErrorCode.NONE,
        })),
      })),
    };
  },
});
