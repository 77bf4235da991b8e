/**
 * DescribeTransactions (key 65), v0 (flexible). Transactions are not built, so no transactional
 * id has a state: as Kafka's TransactionCoordinator.handleDescribeTransactions answers for an id
 * its loaded partition does not hold, TRANSACTIONAL_ID_NOT_FOUND; an empty id INVALID_REQUEST.
 * The other fields keep the message's defaults ("" state, 0 times and ids, no topics), as Kafka
 * leaves them on an error.
 */
import {ApiKey} from '../../protocol/api.js';
import {ErrorCode} from '../../protocol/error-codes.js';
import type {DescribeTransactionsRequest, DescribeTransactionsResponse} from '../../protocol/generated/types.js';
import {defineHandler} from '../handler.js';

export const handler = defineHandler({
  apiKey: ApiKey.DescribeTransactions,
  minVersion: 0,
  maxVersion: 0,
  handle: async (request: DescribeTransactionsRequest): Promise<DescribeTransactionsResponse> => ({
    throttleTimeMs: 0,
    transactionStates: request.transactionalIds.map((transactionalId) => ({
      errorCode: transactionalId === '' ? ErrorCode.INVALID_REQUEST : ErrorCode.TRANSACTIONAL_ID_NOT_FOUND,
      transactionalId,
      transactionState: '',
      transactionTimeoutMs: 0,
      transactionStartTimeMs: 0n,
      producerId: 0n,
      producerEpoch: 0,
      topics: [],
    })),
  }),
});
