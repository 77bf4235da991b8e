/**
 * Runs the codec, once per process, over requests and responses shaped like the broker's busiest
 * ones (Produce and Fetch of many partitions, flexible and not), so that the first real ones find
 * it compiled for all of them, and each of their structs with the decoder and encoder the codec
 * makes for a struct used often. The codec's field functions (readField, writeField and what they
 * call) serve every message (codec.ts). V8 compiled them for the first kind of message it saw in
 * bulk; the first request of another kind threw them back to the interpreter ("wrong map"
 * deoptimizations), and ran cold: in a
 * broker that had taken Produce requests to 10,000 partitions, the first Fetch of them spent
 * 12-24 ms decoding its request and 22-37 ms encoding its response, against 2 and 5 ms later.
 */
import {ApiKey, decodeRequest, decodeRequestHeader, encodeRequest, encodeResponseChunks} from './api.js';
import {COMPILE_AFTER} from './codec.js';

/** Partitions per warm-up message: enough calls for V8 to optimize the per-partition functions. */
export const WARM_UP_PARTITIONS = 500;

export interface WarmUpMessage {
  apiKey: number;
  version: number;
  request: object;
  response: object;
}

/** An array allocated at its length, then filled, as the Produce handler builds its answers (V8 tells such arrays apart). */
function filled<T>(length: number, at: (i: number) => T): T[] {
  const out = new Array<T>(length);
  for (let i = 0; i < length; i++) out[i] = at(i);
  return out;
}

/** As the Produce handler answers: a frozen empty list of record errors. */
const NO_RECORD_ERRORS = Object.freeze([]);

function produce(version: number, partitions: number, records: Buffer): WarmUpMessage {
  const name = 'warm-up';
  return {
    apiKey: ApiKey.Produce,
    version,
    request: {transactionalId: null, acks: -1, timeoutMs: 30_000,
      topicData: [{name, partitionData: filled(partitions, (index) => ({index, records}))}]},
    // Objects in the order of the Produce handler's, so V8 sees the same shapes.
    response: {responses: [{name, partitionResponses: filled(partitions, (index) => ({
      index, errorCode: 0, baseOffset: BigInt(index), logAppendTimeMs: -1n, logStartOffset: 0n, recordErrors: NO_RECORD_ERRORS, errorMessage: null}))}],
    throttleTimeMs: 0, nodeEndpoints: []},
  };
}

function fetch(version: number, partitions: number, records: Buffer): WarmUpMessage {
  const topic = 'warm-up';
  const topicId = 'AAAAAAAAAAAAAAAAAAAAAQ';
  const responsePartitions: object[] = [];
  for (let partitionIndex = 0; partitionIndex < partitions; partitionIndex++) {
    responsePartitions.push({partitionIndex, errorCode: 0, highWatermark: 1n, lastStableOffset: 1n, logStartOffset: 0n, abortedTransactions: null,
      preferredReadReplica: -1, records});
  }
  return {
    apiKey: ApiKey.Fetch,
    version,
    request: {replicaId: -1, maxWaitMs: 500, minBytes: 1, maxBytes: 52_428_800, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
      topics: [{topic, topicId, partitions: filled(partitions, (partition) => ({
        partition, currentLeaderEpoch: 0, fetchOffset: BigInt(partition), lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1_048_576}))}],
      forgottenTopicsData: [], rackId: ''},
    // Objects in the order of the Fetch handler's, so V8 sees the same shapes.
    response: {throttleTimeMs: 0, errorCode: 0, sessionId: 0, responses: [{topic, topicId, partitions: responsePartitions}], nodeEndpoints: []},
  };
}

/**
 * The messages warmed: Produce v7 and Fetch v11 (librdkafka, kafkajs), and the flexible Produce v9
 * and Fetch v12 and v13 (Java clients; v13 names topics by id).
 */
export function warmUpMessages(partitions = WARM_UP_PARTITIONS): WarmUpMessage[] {
  // A RecordBatch's bytes as the codec sees them: opaque records.
  const records = Buffer.alloc(80, 1);
  return [produce(7, partitions, records), produce(9, partitions, records),
    fetch(11, partitions, records), fetch(12, partitions, records), fetch(13, partitions, records)];
}

/**
 * The broker's side of the codec for one message, in two steps: decode its request (encoded
 * first, as a client would) and encode its response. Each returns what it made (for tests).
 */
export function warmUpSteps(m: WarmUpMessage): [() => unknown, () => Buffer[]] {
  // Encoded at the first round only: the broker never encodes requests.
  let frame: Buffer | undefined;
  return [
    () => {
      frame ??= encodeRequest(m.apiKey, m.version, 1, 'kstream-warm-up', m.request).subarray(4);
      const {header, bodyOffset} = decodeRequestHeader(frame);
      return decodeRequest(header.apiKey, header.apiVersion, frame, bodyOffset);
    },
    () => encodeResponseChunks(m.apiKey, m.version, 1, m.response),
  ];
}

/** Rounds over the messages: the second finds the functions compiled for all of them. */
const ROUNDS = 2;
/**
 * Rounds over the same messages with one partition first, so that every struct of them has its
 * generated decoder and encoder (made at its COMPILE_AFTER + 1st use) before the large rounds.
 * Without them, the top-level and topic-level structs, decoded once per request, switched to
 * theirs during the broker's path warm-up (path-warm-up.ts): their objects took another shape
 * there, and V8 threw away code compiled for the first ("wrong map"), such as the loop over a
 * Produce's partitions that waits for logs being created; the first large Produce then ran it
 * uncompiled and compiled it again meanwhile.
 */
const SMALL_ROUNDS = COMPILE_AFTER + 1;

let warmed: Promise<void> | undefined;

/**
 * Warm the codec once per process (80-120 ms of CPU on this project's VM), one step per turn of
 * the event loop (mostly a few ms, the first ones up to ~25 ms), so requests that arrive meanwhile
 * wait at most that long. Resolves when done; never rejects.
 */
export function warmUpCodec(): Promise<void> {
  warmed ??= (async () => {
    const small = warmUpMessages(1).flatMap(warmUpSteps);
    const large = warmUpMessages().flatMap(warmUpSteps);
    const rounds = [...Array.from({length: SMALL_ROUNDS}, () => small), ...Array.from({length: ROUNDS}, () => large)];
    for (const round of rounds) {
      for (const step of round) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        try {
          step();
        } catch {
          // Only the time of a later request is at stake: nothing to report.
        }
      }
    }
  })();
  return warmed;
}
