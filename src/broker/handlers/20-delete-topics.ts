/**
 * DeleteTopics (key 20), v0-6. v0-5 name topics, v6 names or topic ids; v5 adds error messages.
 * Each topic fails on its own: unknown names get UNKNOWN_TOPIC_OR_PARTITION, unknown ids
 * UNKNOWN_TOPIC_ID, and delete.topic.enable=false TOPIC_DELETION_DISABLED.
 */
import {ErrorCode, errorMessage} from '../../protocol/error-codes.js';
import type {DeleteTopicsRequest} from '../../protocol/generated/types.js';
import {toApiError} from '../config/api-error.js';
import {defineHandler} from '../handler.js';

const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';

interface Target {
  name: string | null;
  topicId: string;
}

function failure(target: Target, errorCode: number, message: string | null = errorMessage(errorCode)) {
  return {name: target.name, topicId: target.topicId, errorCode, errorMessage: message};
}

export const handler = defineHandler<DeleteTopicsRequest>({
  apiKey: 20,
  minVersion: 0,
  maxVersion: 6,
  async handle(request, ctx) {
    const targets: Target[] = ctx.header.apiVersion >= 6
      ? (request.topics ?? []).map((t) => ({name: t.name, topicId: t.topicId}))
      : (request.topicNames ?? []).map((name) => ({name, topicId: ZERO_UUID}));
    const seen = new Map<string, number>();
    for (const t of targets) {
      const key = t.name ?? `id:${t.topicId}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    const responses = [];
    for (const target of targets) {
      const byName = target.name !== null;
      if (seen.get(target.name ?? `id:${target.topicId}`)! > 1) {
        responses.push(failure(target, ErrorCode.INVALID_REQUEST, byName ? 'Duplicate topic name.' : 'Duplicate topic id.'));
        continue;
      }
      if (byName && target.topicId !== ZERO_UUID) {
        responses.push(failure(target, ErrorCode.INVALID_REQUEST, 'You may not specify both topic name and topic id.'));
        continue;
      }
      const info = byName ? ctx.broker.topics.get(target.name!) : ctx.broker.topics.getById(target.topicId);
      if (!info) {
        responses.push(failure(target, byName ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.UNKNOWN_TOPIC_ID));
        continue;
      }
      const resolved = {name: info.name, topicId: info.topicId};
      if (!ctx.broker.config.deleteTopicEnable) {
        responses.push(failure(resolved, ErrorCode.TOPIC_DELETION_DISABLED));
        continue;
      }
      try {
        await ctx.broker.topics.deleteTopic(info.name);
        responses.push({...resolved, errorCode: ErrorCode.NONE, errorMessage: null});
      } catch (err) {
        responses.push({...resolved, ...toApiError(err)});
      }
    }
    return {throttleTimeMs: 0, responses};
  },
});
