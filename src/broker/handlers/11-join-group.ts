/**
 * JoinGroup (key 11), v0-v9.
 * - v0 has no rebalance timeout: the session timeout serves as both (as in Kafka).
 * - v4+ members without group.instance.id first get MEMBER_ID_REQUIRED with their id (KIP-394).
 * - v5+ group.instance.id (static membership, KIP-345). v7+ ProtocolType in the response and a
 *   nullable ProtocolName (older versions get ""). v9 SkipAssignment for a rejoining static leader.
 * - The response waits for the group's join phase to complete (rebalance / initial delay), or
 *   for broker shutdown (NOT_COORDINATOR).
 */
import {ApiKey} from '../../protocol/api.js';
import type {JoinGroupRequest} from '../../protocol/generated/types.js';
import {defineHandler} from '../handler.js';
import {clientHost} from '../groups/client-host.js';
import {untilClosing} from '../groups/until-closing.js';
import {ErrorCode} from '../../protocol/error-codes.js';

export const handler = defineHandler({
  apiKey: ApiKey.JoinGroup,
  minVersion: 0,
  maxVersion: 9,
  handle: async (request: JoinGroupRequest, ctx) => {
    const version = ctx.header.apiVersion;
    const groupInstanceId = version >= 5 ? request.groupInstanceId ?? null : null;
    const result = await untilClosing(ctx.broker.groups.joinGroup({
      groupId: request.groupId,
      memberId: request.memberId,
      groupInstanceId,
      requireKnownMemberId: version >= 4 && groupInstanceId === null,
      supportSkippingAssignment: version >= 9,
      clientId: ctx.header.clientId ?? '',
      clientHost: clientHost(ctx.connection.remoteAddress),
      rebalanceTimeoutMs: version === 0 ? request.sessionTimeoutMs : request.rebalanceTimeoutMs ?? request.sessionTimeoutMs,
      sessionTimeoutMs: request.sessionTimeoutMs,
      protocolType: request.protocolType,
      // Protocol names are a map key in Kafka's schema: a repeated name keeps its first entry.
      protocols: request.protocols.filter((p, i, all) => all.findIndex((q) => q.name === p.name) === i)
        .map((p) => ({name: p.name, metadata: p.metadata})),
    }), ctx.broker.closing, () => ({errorCode: ErrorCode.NOT_COORDINATOR, generationId: -1, protocolType: null, protocolName: null,
      leader: '', skipAssignment: false, memberId: request.memberId, members: []}));
    return {
      throttleTimeMs: 0,
      errorCode: result.errorCode,
      generationId: result.generationId,
      protocolType: result.protocolType,
      protocolName: version >= 7 ? result.protocolName : result.protocolName ?? '',
      leader: result.leader,
      skipAssignment: result.skipAssignment,
      memberId: result.memberId,
      members: result.members.map((m) => ({memberId: m.memberId, groupInstanceId: m.groupInstanceId, metadata: m.metadata})),
    };
  },
});
