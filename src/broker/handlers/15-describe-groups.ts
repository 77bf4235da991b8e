/**
 * DescribeGroups (key 15), v0-v5.
 * - Member metadata and assignment are given only for a Stable group (Kafka's summary rule);
 *   an unknown group is reported as state "Dead" with no error (versions before 6).
 * - v3+ authorized operations when asked: no authorizer, so every group operation Kafka
 *   supports (READ 3, DELETE 6, DESCRIBE 8); otherwise INT32 min ("not requested").
 * - v4+ group.instance.id of each member.
 */
import {ApiKey} from '../../protocol/api.js';
import type {DescribeGroupsRequest} from '../../protocol/generated/types.js';
import {defineHandler} from '../handler.js';

const NOT_REQUESTED = -2147483648;
const GROUP_OPERATIONS = (1 << 3) | (1 << 6) | (1 << 8);

export const handler = defineHandler({
  apiKey: ApiKey.DescribeGroups,
  minVersion: 0,
  maxVersion: 5,
  handle: async (request: DescribeGroupsRequest, ctx) => {
    const includeOps = ctx.header.apiVersion >= 3 && request.includeAuthorizedOperations === true;
    return {
      throttleTimeMs: 0,
      groups: request.groups.map((groupId) => {
        const {errorCode, summary} = ctx.broker.groups.describeGroup(groupId);
        return {
          errorCode,
          groupId,
          groupState: summary.state,
          protocolType: summary.protocolType,
          protocolData: summary.protocol,
          members: summary.members.map((m) => ({
            memberId: m.memberId,
            groupInstanceId: m.groupInstanceId,
            clientId: m.clientId,
            clientHost: m.clientHost,
            memberMetadata: m.metadata,
            memberAssignment: m.assignment,
          })),
          authorizedOperations: includeOps ? GROUP_OPERATIONS : NOT_REQUESTED,
        };
      }),
    };
  },
});
