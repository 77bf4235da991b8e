/**
 * OffsetFetch (key 9), v0-v9.
 * - v0-v7: one group; v2+ null Topics = every committed offset of the group, and a top-level
 *   ErrorCode; v0-v1 put a group error on each requested partition instead. v5+ leader epoch.
 * - v7+ RequireStable: partitions with a commit still being written get UNSTABLE_OFFSET_COMMIT.
 * - v8+ many groups, each with its own error. No committed offset = offset -1, metadata "".
 */
import {ApiKey} from '../../protocol/api.js';
import {ErrorCode} from '../../protocol/error-codes.js';
import type {OffsetFetchRequest} from '../../protocol/generated/types.js';
import type {FetchedOffset} from '../groups/group-manager.js';
import type {TopicPartitionKey} from '../groups/types.js';
import {defineHandler} from '../handler.js';

interface RequestedTopic {
  name: string;
  partitionIndexes: number[];
}

function partitionsOf(topics: RequestedTopic[] | null | undefined): TopicPartitionKey[] | null {
  if (topics === null || topics === undefined) return null;
  return topics.flatMap((t) => t.partitionIndexes.map((partition) => ({topic: t.name, partition})));
}

/** Group the flat results by topic, in the order topics first appear. */
function byTopic(offsets: FetchedOffset[]) {
  const topics = new Map<string, {name: string; partitions: object[]}>();
  for (const o of offsets) {
    let topic = topics.get(o.topic);
    if (!topic) topics.set(o.topic, topic = {name: o.topic, partitions: []});
    topic.partitions.push({
      partitionIndex: o.partition,
      committedOffset: o.offset,
      committedLeaderEpoch: o.leaderEpoch,
      metadata: o.metadata,
      errorCode: o.errorCode,
    });
  }
  return [...topics.values()];
}

export const handler = defineHandler({
  apiKey: ApiKey.OffsetFetch,
  minVersion: 0,
  maxVersion: 9,
  handle: async (request: OffsetFetchRequest, ctx) => {
    const version = ctx.header.apiVersion;
    const {groups} = ctx.broker;
    const requireStable = version >= 7 ? request.requireStable ?? false : false;
    if (version >= 8) {
      return {
        throttleTimeMs: 0,
        groups: (request.groups ?? []).map((g) => {
          const result = groups.fetchOffsets(g.groupId, partitionsOf(g.topics), requireStable);
          return {groupId: g.groupId, topics: byTopic(result.offsets), errorCode: result.errorCode};
        }),
      };
    }
    // v0-v1 have no way to say "all topics": an absent list is empty.
    const requested = version < 2 ? partitionsOf(request.topics ?? []) : partitionsOf(request.topics);
    const result = groups.fetchOffsets(request.groupId ?? '', requested, requireStable);
    if (result.errorCode !== ErrorCode.NONE && version < 2) {
      const failed = (requested ?? []).map((tp) => ({topic: tp.topic, partition: tp.partition, offset: -1n, leaderEpoch: -1,
        metadata: '', errorCode: result.errorCode}));
      return {throttleTimeMs: 0, topics: byTopic(failed), errorCode: result.errorCode};
    }
    return {throttleTimeMs: 0, topics: byTopic(result.offsets), errorCode: result.errorCode};
  },
});
