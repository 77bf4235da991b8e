/**
 * FindCoordinator (key 10), v0-v6.
 * - v0 group keys only; v1+ KeyType (0 group, 1 transaction; others INVALID_REQUEST);
 *   v4+ batched CoordinatorKeys with one result each.
 * - This single node coordinates every group, once the group's __consumer_offsets partition
 *   has its log. Until then the answer is COORDINATOR_NOT_AVAILABLE, as Kafka answers while the
 *   topic or the partition's leader does not exist yet, and clients retry after their backoff;
 *   the lookup never waits. The first one creates __consumer_offsets (its partition directories
 *   follow in the background) and each asks for its group's partition to be created first
 *   (GroupCoordinator.findCoordinator). Transactions are not built: a transaction key gets
 *   TRANSACTIONAL_ID_AUTHORIZATION_FAILED, as InitProducerId with a transactional id does
 *   (22-init-producer-id.ts says why), so a transactional client stops at once instead of
 *   retrying COORDINATOR_NOT_AVAILABLE until it times out.
 * - Kafka puts Errors.message() in ErrorMessage, which is "NONE" on success.
 */
import {ApiKey} from '../../protocol/api.js';
import {ErrorCode, errorMessage} from '../../protocol/error-codes.js';
import type {FindCoordinatorRequest} from '../../protocol/generated/types.js';
import {defineHandler, type HandlerContext} from '../handler.js';

const GROUP_KEY = 0;
const TRANSACTION_KEY = 1;

interface CoordinatorResult {
  key: string;
  nodeId: number;
  host: string;
  port: number;
  errorCode: number;
  errorMessage: string | null;
}

function findOne(key: string, keyType: number, ctx: HandlerContext): CoordinatorResult {
  const {broker} = ctx;
  const fail = (code: number, message = errorMessage(code)): CoordinatorResult =>
    ({key, nodeId: -1, host: '', port: -1, errorCode: code, errorMessage: message});
  if (keyType === GROUP_KEY) {
    const code = broker.groups.findCoordinator(key);
    if (code !== ErrorCode.NONE) return fail(code);
  } else if (keyType === TRANSACTION_KEY) {
    return fail(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, 'Transactions are not supported by this broker: no transactional id may be used');
  } else {
    return fail(ErrorCode.INVALID_REQUEST, `Unknown coordinator type ${keyType} in FindCoordinator request`);
  }
  return {key, nodeId: broker.nodeId, host: broker.host, port: broker.port, errorCode: ErrorCode.NONE, errorMessage: 'NONE'};
}

export const handler = defineHandler({
  apiKey: ApiKey.FindCoordinator,
  minVersion: 0,
  maxVersion: 6,
  handle: async (request: FindCoordinatorRequest, ctx) => {
    const version = ctx.header.apiVersion;
    const keyType = version >= 1 ? request.keyType ?? GROUP_KEY : GROUP_KEY;
    if (version >= 4) {
      const coordinators = (request.coordinatorKeys ?? []).map((key) => findOne(key, keyType, ctx));
      return {throttleTimeMs: 0, coordinators};
    }
    const result = findOne(request.key ?? '', keyType, ctx);
    return {
      throttleTimeMs: 0,
      errorCode: result.errorCode,
      errorMessage: result.errorMessage,
      nodeId: result.nodeId,
      host: result.host,
      port: result.port,
    };
  },
});
