/**
 * Heartbeat (key 12), v0-v4. v3+ group.instance.id (FENCED_INSTANCE_ID for a replaced static
 * member). REBALANCE_IN_PROGRESS tells a member to rejoin.
 */
import {ApiKey} from '../../protocol/api.js';
import type {HeartbeatRequest} from '../../protocol/generated/types.js';
import {defineHandler} from '../handler.js';

export const handler = defineHandler({
  apiKey: ApiKey.Heartbeat,
  minVersion: 0,
  maxVersion: 4,
  handle: async (request: HeartbeatRequest, ctx) => {
    const groupInstanceId = ctx.header.apiVersion >= 3 ? request.groupInstanceId ?? null : null;
    const errorCode = ctx.broker.groups.heartbeat(request.groupId, request.memberId, groupInstanceId, request.generationId);
    return {throttleTimeMs: 0, errorCode};
  },
});
