/**
 * ListTransactions (key 66), v0-1 (flexible). Transactions are not built, so the list is empty
 * whatever the filters, with NONE, as Kafka's TransactionStateManager.listTransactionStates
 * answers with no transaction. As there, a state filter that is not one of Kafka's transaction
 * state names is returned in UnknownStateFilters (once each). v1's DurationFilter needs no
 * check: Kafka passes any value on (below 0 means no filter).
 */
import {ApiKey} from '../../protocol/api.js';
import {ErrorCode} from '../../protocol/error-codes.js';
import type {ListTransactionsRequest, ListTransactionsResponse} from '../../protocol/generated/types.js';
import {defineHandler} from '../handler.js';

/** Kafka's TransactionState names (TransactionState.fromName matches them exactly). */
const TRANSACTION_STATES = new Set(['Empty', 'Ongoing', 'PrepareCommit', 'PrepareAbort', 'CompleteCommit', 'CompleteAbort', 'Dead', 'PrepareEpochFence']);

export const handler = defineHandler({
  apiKey: ApiKey.ListTransactions,
  minVersion: 0,
  maxVersion: 1,
  handle: async (request: ListTransactionsRequest): Promise<ListTransactionsResponse> => ({
    throttleTimeMs: 0,
    errorCode: ErrorCode.NONE,
    unknownStateFilters: [...new Set(request.stateFilters)].filter((s) => !TRANSACTION_STATES.has(s)),
    transactionStates: [],
  }),
});
