/**
 * DeleteGroups (key 42), v0-v2. Only Empty groups are deleted (with their offsets, tombstoned
 * in __consumer_offsets); a group with members gets NON_EMPTY_GROUP, an unknown one
 * GROUP_ID_NOT_FOUND.
 */
import {ApiKey} from '../../protocol/api.js';
import type {DeleteGroupsRequest} from '../../protocol/generated/types.js';
import {defineHandler} from '../handler.js';

export const handler = defineHandler({
  apiKey: ApiKey.DeleteGroups,
  minVersion: 0,
  maxVersion: 2,
  handle: async (request: DeleteGroupsRequest, ctx) => {
    const results = await ctx.broker.groups.deleteGroups(request.groupsNames);
    return {throttleTimeMs: 0, results};
  },
});
