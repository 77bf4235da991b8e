/**
 * LeaveGroup (key 13), v0-v5.
 * - v0-v2: one MemberId; the response's one ErrorCode is the top-level error or else the
 *   member's (LeaveGroupResponse's rule for old versions).
 * - v3+: batched members, each by member id or, for administrative removal, by
 *   group.instance.id with an empty member id; one error per member. v5 adds a reason.
 */
import {ApiKey} from '../../protocol/api.js';
import {ErrorCode} from '../../protocol/error-codes.js';
import type {LeaveGroupRequest} from '../../protocol/generated/types.js';
import {defineHandler} from '../handler.js';

export const handler = defineHandler({
  apiKey: ApiKey.LeaveGroup,
  minVersion: 0,
  maxVersion: 5,
  handle: async (request: LeaveGroupRequest, ctx) => {
    const version = ctx.header.apiVersion;
    const leaving = version >= 3
      ? (request.members ?? []).map((m) => ({memberId: m.memberId, groupInstanceId: m.groupInstanceId ?? null}))
      : [{memberId: request.memberId ?? '', groupInstanceId: null}];
    const result = ctx.broker.groups.leaveGroup(request.groupId, leaving);
    if (version >= 3) return {throttleTimeMs: 0, errorCode: result.errorCode, members: result.members};
    const memberError = result.members.find((m) => m.errorCode !== ErrorCode.NONE)?.errorCode ?? ErrorCode.NONE;
    return {throttleTimeMs: 0, errorCode: result.errorCode !== ErrorCode.NONE ? result.errorCode : memberError};
  },
});
