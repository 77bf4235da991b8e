/**
 * DescribeAcls (key 29), v0-3 (v2+ flexible). No authorizer is configured, so Kafka's AclApis
 * answers SECURITY_DISABLED at the top level with no resources (acls/no-authorizer.ts).
 */
import {ApiKey} from '../../protocol/api.js';
import {ErrorCode} from '../../protocol/error-codes.js';
import type {DescribeAclsRequest, DescribeAclsResponse} from '../../protocol/generated/types.js';
import {DESCRIBE_ACLS_MESSAGE, refuseUnknownElements} from '../acls/no-authorizer.js';
import {defineHandler} from '../handler.js';

export const handler = defineHandler({
  apiKey: ApiKey.DescribeAcls,
  minVersion: 0,
  maxVersion: 3,
  handle: async (request: DescribeAclsRequest): Promise<DescribeAclsResponse> => {
    refuseUnknownElements('DescribeAcls', [{resourceType: request.resourceTypeFilter, patternType: request.patternTypeFilter,
      operation: request.operation, permissionType: request.permissionType}]);
    return {throttleTimeMs: 0, errorCode: ErrorCode.SECURITY_DISABLED, errorMessage: DESCRIBE_ACLS_MESSAGE, resources: []};
  },
});
