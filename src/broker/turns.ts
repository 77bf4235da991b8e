/**
 * Requests that touch thousands of partitions (a Produce to all of them, a Fetch from all of them)
 * do their per-partition work in turns of the event loop, so that other connections are served
 * in between, as Kafka serves them from its other request-handler threads meanwhile. A Produce or
 * Fetch of 10,000 partitions takes 80-300 ms on 2 cores.
 *
 * Measured with an ApiVersions probe every 5 ms during 10,000-partition Produce requests: the
 * slowest probe answer was 223-227 ms without turns, 140-161 ms with turns of 1,000 partitions,
 * 78-98 ms of 500 and 53-86 ms of 250 (then the request's own decoding and its first, cold turn).
 */

/** Partitions handled per turn. */
export const PARTITIONS_PER_TURN = 250;

/** Resolves on the next turn of the event loop, after the I/O and timers that are due. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
