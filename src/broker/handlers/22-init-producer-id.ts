/**
 * InitProducerId (key 22), v0-v5: what an idempotent producer asks first (Kafka 3.0+ Java
 * producers and franz-go by default, kafkajs and librdkafka when asked).
 * - transactional_id null: as Kafka's TransactionCoordinator.handleInitProducerId, a new producer
 *   id (producer-ids.ts: never reused, also across restarts) with epoch 0, whatever producer id
 *   and epoch v3+ send. As KafkaApis, a producer id and epoch must both be -1 or both not
 *   (INVALID_REQUEST otherwise).
 * - transactional_id set: transactions are not built, so there is no transactional id a client may
 *   use here. The answer is TRANSACTIONAL_ID_AUTHORIZATION_FAILED, Kafka's answer to a client not
 *   allowed to use that transactional id. The Java producer's TransactionManager treats it as
 *   fatal both from FindCoordinator and from InitProducerId (initTransactions() throws
 *   TransactionalIdAuthorizationException), and kafkajs does not retry it; COORDINATOR_NOT_AVAILABLE
 *   or another retriable code would make them retry until they time out, and an unexpected code
 *   gives only "Unexpected error in InitProducerIdResponse". FindCoordinator for a transactional
 *   id answers the same (10-find-coordinator.ts), so a client stops at its first request.
 * Errors carry producer id -1 and epoch -1, as Kafka's.
 */
import {ApiKey} from '../../protocol/api.js';
import {ErrorCode} from '../../protocol/error-codes.js';
import type {InitProducerIdRequest, InitProducerIdResponse} from '../../protocol/generated/types.js';
import {defineHandler} from '../handler.js';
import {producerIdsOf} from '../producers/producer-ids.js';

const NO_PRODUCER_ID = -1n;
const NO_PRODUCER_EPOCH = -1;

const failure = (errorCode: number): InitProducerIdResponse => ({throttleTimeMs: 0, errorCode, producerId: NO_PRODUCER_ID, producerEpoch: NO_PRODUCER_EPOCH});

export const handler = defineHandler({
  apiKey: ApiKey.InitProducerId,
  minVersion: 0,
  maxVersion: 5,
  handle: async (request: InitProducerIdRequest, ctx): Promise<InitProducerIdResponse> => {
    if (request.transactionalId !== null) return failure(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
    const producerId = request.producerId ?? NO_PRODUCER_ID;
    const producerEpoch = request.producerEpoch ?? NO_PRODUCER_EPOCH;
    if ((producerId === NO_PRODUCER_ID) !== (producerEpoch === NO_PRODUCER_EPOCH)) return failure(ErrorCode.INVALID_REQUEST);
    try {
      const id = await producerIdsOf(ctx.broker.logs, ctx.broker.nodeId).generate();
      return {throttleTimeMs: 0, errorCode: ErrorCode.NONE, producerId: id, producerEpoch: 0};
    } catch (err) {
      ctx.broker.log(`allocating a producer id failed: ${(err as Error).message}`);
      return failure(ErrorCode.UNKNOWN_SERVER_ERROR);
    }
  },
});
