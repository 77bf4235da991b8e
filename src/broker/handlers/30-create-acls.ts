/**
 * CreateAcls (key 30), v0-3 (v2+ flexible). No authorizer is configured, so Kafka's AclApis
 * answers every creation with SECURITY_DISABLED (acls/no-authorizer.ts); nothing is created.
 */
import {ApiKey} from '../../protocol/api.js';
import {ErrorCode} from '../../protocol/error-codes.js';
import type {CreateAclsRequest, CreateAclsResponse} from '../../protocol/generated/types.js';
import {ALTER_ACLS_MESSAGE, refuseUnknownElements} from '../acls/no-authorizer.js';
import {defineHandler} from '../handler.js';

export const handler = defineHandler({
  apiKey: ApiKey.CreateAcls,
  minVersion: 0,
  maxVersion: 3,
  handle: async (request: CreateAclsRequest): Promise<CreateAclsResponse> => {
    refuseUnknownElements('CreateAcls', request.creations.map((c) => ({resourceType: c.resourceType, patternType: c.resourcePatternType,
      operation: c.operation, permissionType: c.permissionType})));
    return {
      throttleTimeMs: 0,
      results: request.creations.map(() => ({errorCode: ErrorCode.SECURITY_DISABLED, errorMessage: ALTER_ACLS_MESSAGE})),
    };
  },
});
