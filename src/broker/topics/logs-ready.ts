/**
 * Requests that write to partitions wait for the logs of those still being created (see
 * TopicManager.whenCreated): one await for the whole request, none at all when no partition is
 * being created.
 */
import type {Handler} from '../handler.js';
import type {TopicManager} from './topic-manager.js';

/** What a Produce request says about the partitions it writes to and how long it may take. */
interface ProduceLike {
  timeoutMs: number;
  topicData: {name: string; partitionData: {index: number}[]}[];
}

/**
 * Resolves once every partition of `request` that is being created has its log; undefined if none
 * is. Walks the request as it is: no list of its partitions is built (a Produce can name 10,000).
 */
export function logsReady(topics: TopicManager, request: ProduceLike): Promise<void> | undefined {
  let waits: Promise<void>[] | undefined;
  for (const t of request.topicData) {
    for (const p of t.partitionData) {
      const wait = topics.whenCreated(t.name, p.index);
      if (wait) (waits ??= []).push(wait);
    }
  }
  return waits && Promise.all(waits).then(() => undefined);
}

/**
 * Produce, run once the logs it appends to exist, waiting at most the request's timeout (the
 * time the client gave the broker to answer). Produce looks its logs up before appending, so it
 * waits here rather than in TopicManager.append; a partition still without a log after the
 * timeout is answered by Produce as one it cannot write to (a retriable error), as Kafka answers
 * a partition whose log it has not created yet.
 */
export function produceAfterLogsReady<Req extends ProduceLike, Res>(produce: Handler<Req, Res>): Handler<Req, Res> {
  return {
    ...produce,
    handle(request, ctx) {
      // Not an async function: a Produce whose logs all exist (nearly every one) goes straight on.
      const ready = logsReady(ctx.broker.topics, request);
      return ready ? waitAtMost(ready, request.timeoutMs).then(() => produce.handle(request, ctx)) : produce.handle(request, ctx);
    },
  };
}

function waitAtMost(promise: Promise<void>, ms: number): Promise<void> {
  if (!(ms > 0)) return Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
