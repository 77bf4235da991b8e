/**
 * SyncGroup (key 14), v0-v5.
 * - The leader sends every member's assignment; each member's response waits until the leader's
 *   assignment is stored, then carries that member's share.
 * - v3+ group.instance.id (fencing). v5+ ProtocolType and ProtocolName are mandatory: a request
 *   missing either gets INCONSISTENT_GROUP_PROTOCOL, as in Kafka, and the response echoes them.
 */
import {ApiKey} from '../../protocol/api.js';
import {ErrorCode} from '../../protocol/error-codes.js';
import type {SyncGroupRequest} from '../../protocol/generated/types.js';
import {defineHandler} from '../handler.js';
import {untilClosing} from '../groups/until-closing.js';

export const handler = defineHandler({
  apiKey: ApiKey.SyncGroup,
  minVersion: 0,
  maxVersion: 5,
  handle: async (request: SyncGroupRequest, ctx) => {
    const version = ctx.header.apiVersion;
    const protocolType = version >= 5 ? request.protocolType ?? null : null;
    const protocolName = version >= 5 ? request.protocolName ?? null : null;
    if (version >= 5 && (protocolType === null || protocolName === null)) {
      return {throttleTimeMs: 0, errorCode: ErrorCode.INCONSISTENT_GROUP_PROTOCOL, protocolType: null, protocolName: null, assignment: Buffer.alloc(0)};
    }
    const result = await untilClosing(ctx.broker.groups.syncGroup({
      groupId: request.groupId,
      generationId: request.generationId,
      memberId: request.memberId,
      groupInstanceId: version >= 3 ? request.groupInstanceId ?? null : null,
      protocolType,
      protocolName,
      assignments: new Map(request.assignments.map((a) => [a.memberId, a.assignment])),
    }), ctx.broker.closing, () => ({errorCode: ErrorCode.NOT_COORDINATOR, protocolType: null, protocolName: null, assignment: Buffer.alloc(0)}));
    return {throttleTimeMs: 0, ...result};
  },
});
