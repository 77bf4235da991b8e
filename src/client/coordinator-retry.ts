/**
 * Waiting out a group coordinator that is not ready yet, as librdkafka and kafkajs do.
 * FindCoordinator answers COORDINATOR_NOT_AVAILABLE while __consumer_offsets (or the group's
 * partition of it) is being created, and a coordinator answers COORDINATOR_LOAD_IN_PROGRESS
 * while it loads the group's partition: both pass within moments, so the request is sent again
 * after a short backoff that doubles, for at most the connection timeout. Other errors are
 * thrown at once.
 */
import {ErrorCode} from '../protocol/error-codes.js';
import {KafkaProtocolError} from './cluster-client.js';

/** Errors that mean "ask again shortly". */
export const COORDINATOR_NOT_READY: ReadonlySet<number> = new Set([ErrorCode.COORDINATOR_NOT_AVAILABLE, ErrorCode.COORDINATOR_LOAD_IN_PROGRESS]);

export interface Backoff {
  /** The first wait; each later one doubles, up to maxMs. */
  initialMs: number;
  maxMs: number;
}

/** librdkafka starts at retry.backoff.ms (100 ms); a new partition is ready sooner than that on kstream. */
export const COORDINATOR_BACKOFF: Backoff = {initialMs: 20, maxMs: 500};

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Run `attempt` until it does not throw a KafkaProtocolError whose code `retriable` accepts
 * (default: COORDINATOR_NOT_READY), waiting between attempts; the last error is thrown once
 * the next wait would end after `timeoutMs`. `onRetry` sees each retried error (to forget a
 * cached coordinator, say).
 */
export async function retryCoordinator<T>(attempt: () => Promise<T>, timeoutMs: number, options: {
  retriable?: (code: number) => boolean;
  onRetry?: (err: KafkaProtocolError) => void;
  backoff?: Backoff;
} = {}): Promise<T> {
  const retriable = options.retriable ?? ((code: number) => COORDINATOR_NOT_READY.has(code));
  const backoff = options.backoff ?? COORDINATOR_BACKOFF;
  const deadline = Date.now() + timeoutMs;
  for (let wait = backoff.initialMs; ; wait = Math.min(wait * 2, backoff.maxMs)) {
    try {
      return await attempt();
    } catch (err) {
      if (!(err instanceof KafkaProtocolError) || !retriable(err.errorCode) || Date.now() + wait > deadline) throw err;
      options.onRetry?.(err);
    }
    await sleep(wait);
  }
}
