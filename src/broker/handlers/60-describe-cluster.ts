/**
 * DescribeCluster (key 60), v0-1 (flexible). One node that is broker and controller. v1 adds
 * the endpoint type: this listener is a broker endpoint, so a request for controllers gets
 * MISMATCHED_ENDPOINT_TYPE like a Kafka broker listener answers. With no authorizer every
 * cluster operation is allowed.
 */
import {ErrorCode} from '../../protocol/error-codes.js';
import type {DescribeClusterRequest} from '../../protocol/generated/types.js';
import {defineHandler} from '../handler.js';

const EndpointType = {BROKER: 1, CONTROLLER: 2} as const;

/** Bits of Kafka's AclOperation codes a CLUSTER resource supports: ALTER 7, CREATE 5, CLUSTER_ACTION 9, DESCRIBE 8, DESCRIBE_CONFIGS 10, ALTER_CONFIGS 11, IDEMPOTENT_WRITE 12. */
const CLUSTER_OPERATIONS = [5, 7, 8, 9, 10, 11, 12].reduce((bits, op) => bits | (1 << op), 0);
const OPERATIONS_NOT_REQUESTED = -2147483648;

export const handler = defineHandler<DescribeClusterRequest>({
  apiKey: 60,
  minVersion: 0,
  maxVersion: 1,
  async handle(request, ctx) {
    const endpointType = request.endpointType ?? EndpointType.BROKER;
    const base = {throttleTimeMs: 0, endpointType, clusterId: ctx.broker.clusterId, controllerId: -1, brokers: [],
      clusterAuthorizedOperations: OPERATIONS_NOT_REQUESTED};
    if (endpointType === EndpointType.CONTROLLER) {
      return {...base, errorCode: ErrorCode.MISMATCHED_ENDPOINT_TYPE,
        errorMessage: 'The request was sent to an endpoint of type BROKER, but we wanted an endpoint of type CONTROLLER'};
    }
    if (endpointType !== EndpointType.BROKER) {
      return {...base, errorCode: ErrorCode.UNSUPPORTED_ENDPOINT_TYPE, errorMessage: `Unsupported endpoint type ${endpointType}`};
    }
    return {
      ...base,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      controllerId: ctx.broker.nodeId,
      brokers: [{brokerId: ctx.broker.nodeId, host: ctx.broker.host, port: ctx.broker.port, rack: ctx.broker.config.raw['broker.rack'] ?? null}],
      clusterAuthorizedOperations: request.includeClusterAuthorizedOperations ? CLUSTER_OPERATIONS : OPERATIONS_NOT_REQUESTED,
    };
  },
});
