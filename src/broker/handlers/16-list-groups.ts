/**
 * ListGroups (key 16), v0-v5. v4+ StatesFilter (empty = all; matched case-insensitively),
 * v5+ TypesFilter: every group here is a "classic" group.
 */
import {ApiKey} from '../../protocol/api.js';
import type {ListGroupsRequest} from '../../protocol/generated/types.js';
import {defineHandler} from '../handler.js';

export const handler = defineHandler({
  apiKey: ApiKey.ListGroups,
  minVersion: 0,
  maxVersion: 5,
  handle: async (request: ListGroupsRequest, ctx) => {
    const version = ctx.header.apiVersion;
    const states = version >= 4 ? request.statesFilter ?? [] : [];
    const types = version >= 5 ? request.typesFilter ?? [] : [];
    const result = ctx.broker.groups.listGroups(states, types);
    return {
      throttleTimeMs: 0,
      errorCode: result.errorCode,
      groups: result.groups.map((g) => ({groupId: g.groupId, protocolType: g.protocolType, groupState: g.state, groupType: 'classic'})),
    };
  },
});
