/**
 * DeleteAcls (key 31), v0-3 (v2+ flexible). No authorizer is configured, so Kafka's AclApis
 * answers every filter with SECURITY_DISABLED and no matching ACLs (acls/no-authorizer.ts).
 */
import {ApiKey} from '../../protocol/api.js';
import {ErrorCode} from '../../protocol/error-codes.js';
import type {DeleteAclsRequest, DeleteAclsResponse} from '../../protocol/generated/types.js';
import {ALTER_ACLS_MESSAGE, refuseUnknownElements} from '../acls/no-authorizer.js';
import {defineHandler} from '../handler.js';

export const handler = defineHandler({
  apiKey: ApiKey.DeleteAcls,
  minVersion: 0,
  maxVersion: 3,
  handle: async (request: DeleteAclsRequest): Promise<DeleteAclsResponse> => {
    refuseUnknownElements('DeleteAcls', request.filters.map((f) => ({resourceType: f.resourceTypeFilter, patternType: f.patternTypeFilter,
      operation: f.operation, permissionType: f.permissionType})));
    return {
      throttleTimeMs: 0,
      filterResults: request.filters.map(() => ({errorCode: ErrorCode.SECURITY_DISABLED, errorMessage: ALTER_ACLS_MESSAGE, matchingAcls: []})),
    };
  },
});
