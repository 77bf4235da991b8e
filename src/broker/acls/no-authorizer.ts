/**
 * kstream runs no authorizer, so the ACL APIs answer as a Kafka broker without
 * authorizer.class.name does (AclApis): SECURITY_DISABLED with Kafka's own messages. DescribeAcls
 * builds its answer by hand with one sentence; CreateAcls and DeleteAcls raise
 * SecurityDisabledException with another, which getErrorResponse copies to every result.
 * With no authorizer the cluster DESCRIBE/ALTER check passes, so every request gets this answer.
 */
import {CloseConnection} from '../dispatch.js';

export const DESCRIBE_ACLS_MESSAGE = 'No Authorizer is configured on the broker';
export const ALTER_ACLS_MESSAGE = 'No Authorizer is configured.';

/** The UNKNOWN code of Kafka's ResourceType, PatternType, AclOperation and AclPermissionType. */
const UNKNOWN = 0;

interface AclFields {
  resourceType: number;
  patternType: number | undefined;
  operation: number;
  permissionType: number;
}

/**
 * Kafka's Describe/Create/DeleteAclsRequest constructors (normalizeAndValidate, validate) throw
 * IllegalArgumentException when a filter or binding has an UNKNOWN (code 0) resource type,
 * pattern type, operation or permission type. That happens while the request is parsed, so the
 * SocketServer closes the connection without an answer, before any authorizer is asked. v0 has
 * no pattern type on the wire: it is LITERAL (3).
 */
export function refuseUnknownElements(api: string, acls: readonly AclFields[]): void {
  for (const acl of acls) {
    if (acl.resourceType === UNKNOWN || (acl.patternType ?? 3) === UNKNOWN || acl.operation === UNKNOWN || acl.permissionType === UNKNOWN) {
      throw new CloseConnection(`${api} request with an UNKNOWN resource type, pattern type, operation or permission type`);
    }
  }
}
