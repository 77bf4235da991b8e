/**
 * Runs the broker's Produce and Fetch paths, from request bytes to response bytes, over a topic of
 * its own in a temporary directory, so that V8 has compiled them before the first large request
 * of a client comes. Cold, they ran up to twice as long: with 10,000 partitions, the first Produce
 * to all of them took 219-252 ms and the next two 156-166 ms, against 162-202 and 75-90 ms after
 * this warm-up (most of the first one's time is the kernel's: it writes the first block of 10,000
 * new files).
 *
 * The requests go through a dispatcher of their own, with the same handlers and broker services
 * but for the topics and logs, which are the warm-up's: clients never see its topic, and nothing
 * of it is written to the data dir (a directory there that is not a partition's would stop Apache
 * Kafka from starting on it). It runs in the background, one request per turn of the event loop,
 * and removes its directory when done or when the broker stops; one left by a broker killed
 * meanwhile is removed by the next warm-up. It runs in two passes (FIRST_PASS), each in a
 * directory of its own under that one.
 */
import {mkdir, mkdtemp, readdir, rm} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {ApiKey, decodeResponse, encodeRequest} from '../protocol/api.js';
import {warmUpCodec} from '../protocol/warm-up.js';
import {ErrorCode} from '../protocol/error-codes.js';
import {encodeBatch} from '../records/batch.js';
import {LogManager} from '../storage/log-manager.js';
import {readBuffers} from '../storage/read-buffers.js';
import {isAlive} from './data-dir.js';
import {RequestDispatcher} from './dispatch.js';
import {brokerServices, type BrokerServices, type ConnectionInfo} from './handler.js';
import type {HandlerRegistry} from './registry.js';
import {TopicManager} from './topics/topic-manager.js';
import {PARTITIONS_PER_TURN} from './turns.js';

/** Partitions of the warm-up topic: more than one turn's, so its requests take two turns, as large ones do. */
export const WARM_UP_PARTITIONS = PARTITIONS_PER_TURN + 50;
/** Produce requests to all of them, each followed by a Fetch: enough calls of the per-partition functions for V8 to optimize them. */
export const WARM_UP_ROUNDS = 40;
/**
 * A pass this small runs first, and its logs and topics are closed before the main pass. Closing
 * them changes fields of the storage objects that no Produce or Fetch changes (a log's and a file
 * handle's closed state, released descriptors), and V8 throws away the code it compiled on the
 * assumption that they stay as they were ("code dependencies" in --trace-deopt). When only the main
 * pass closed, that was its own code, thrown away as the warm-up ended: the first Produce to
 * 10,000 partitions then compiled again the append path (appendTurn, prepareAppendNow,
 * writeAppendNow, the write thread's finishJob and more) while it ran. After this pass's close,
 * the main pass's code is compiled for objects that close, and its own close leaves it be (some
 * of it still goes when the garbage collector frees the warm-up's objects: "weak objects").
 */
export const FIRST_PASS = {rounds: 1, partitions: 2};
/** Requests a whole warm-up answers: a Produce and a Fetch per round of each pass. */
export const WARM_UP_REQUESTS = 2 * (FIRST_PASS.rounds + WARM_UP_ROUNDS);
export const WARM_UP_TOPIC = 'kstream-warm-up';
/** Its directory in the system's temporary directory: this prefix, the broker's process id, a dash and a random suffix. */
export const WARM_UP_DIR_PREFIX = 'kstream-warm-up-';

export interface WarmUpResult {
  /** Requests answered. */
  requests: number;
  /** What went wrong, if anything: a partition's error code, or why the warm-up ended early. */
  errors: string[];
}

export interface PathWarmUp {
  /** Resolves once the warm-up has finished (or failed) and its directory is removed; never rejects. */
  readonly done: Promise<WarmUpResult>;
  /** Stop at the next request and clean up; resolves as `done`. */
  stop(): Promise<WarmUpResult>;
}

/** Start warming the broker's paths with `registry`'s handlers and `services` (its topics and logs replaced). */
export function warmUpPaths(registry: HandlerRegistry, services: BrokerServices,
  options: {rounds?: number; partitions?: number} = {}): PathWarmUp {
  const stopping = new AbortController();
  const result: WarmUpResult = {requests: 0, errors: []};
  const done = run(registry, services, options.rounds ?? WARM_UP_ROUNDS, options.partitions ?? WARM_UP_PARTITIONS, stopping.signal, result)
    .catch((err: unknown) => { result.errors.push((err as Error).message); })
    .then(() => result);
  return {done, stop: () => { stopping.abort(); return done; }};
}

/** Both passes, each in a directory of its own under one temporary directory. */
async function run(registry: HandlerRegistry, services: BrokerServices, rounds: number, partitions: number,
  stopping: AbortSignal, result: WarmUpResult): Promise<void> {
  await removeAbandoned();
  // A broker stopped this early would otherwise wait for a topic and logs made only to be closed.
  if (stopping.aborted) return;
  const dir = await mkdtemp(path.join(os.tmpdir(), `${WARM_UP_DIR_PREFIX}${process.pid}-`));
  try {
    await runPass(registry, services, path.join(dir, 'first'), FIRST_PASS.rounds, FIRST_PASS.partitions, stopping, result);
    if (result.errors.length === 0) await runPass(registry, services, path.join(dir, 'main'), rounds, partitions, stopping, result);
  } finally {
    await rm(dir, {recursive: true, force: true}).catch(() => undefined);
  }
}

async function runPass(registry: HandlerRegistry, services: BrokerServices, dir: string, rounds: number, partitions: number,
  stopping: AbortSignal, result: WarmUpResult): Promise<void> {
  if (stopping.aborted) return;
  await mkdir(dir);
  let logs: LogManager | undefined;
  let topics: TopicManager | undefined;
  try {
    // The broker's own write thread: cold, it made the first Produce to 10,000 partitions wait ~10 ms more for it.
    logs = await LogManager.open({dataDir: dir, defaultConfig: services.config.logDefaults, writeThread: services.logs.sharedWriteThread()});
    topics = await TopicManager.open({dataDir: dir, logs, config: services.config});
    // As CreateTopics makes it: the first Produce waits for partitions still being created.
    await topics.createTopic(WARM_UP_TOPIC, {numPartitions: partitions, replicationFactor: -1, configs: {}, background: true});
    const dispatcher = new RequestDispatcher(registry, brokerServices({...services, topics, logs}));
    const connection: ConnectionInfo = {remoteAddress: 'warm-up', clientId: null};
    const requests = await warmUpRequests(partitions);
    // The codec's warm-up (started with the broker) first gives every struct its final decoder, so
    // that the objects decoded here keep one shape (protocol/warm-up.ts, SMALL_ROUNDS).
    await warmUpCodec();
    for (let round = 0; round < rounds && !stopping.aborted; round++) {
      for (const request of requests[round % requests.length]!) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (stopping.aborted) break;
        // A copy: a Produce sets the offsets of the batches it appends in the request's bytes.
        const chunks = await dispatcher.dispatch(Buffer.from(request.frame), connection);
        result.requests++;
        const failed = chunks ? request.failures(decodeResponse(request.apiKey, request.version, Buffer.concat(chunks).subarray(4)).body) : [];
        // Its response chunks go back to the pool as a connection gives them back once sent (the
        // decoded copy above keeps no view of them): dropped, they took with them the chunks primed
        // for the first large Fetch, which then page-faulted in ~5 MB of fresh ones.
        if (chunks) for (const c of chunks) readBuffers.give(c);
        // A failing warm-up only costs time: it stops at once.
        if (failed.length > 0) {
          result.errors.push(...failed);
          return;
        }
      }
    }
  } finally {
    await topics?.close().catch(() => undefined);
    await logs?.close().catch(() => undefined);
  }
}

interface WarmUpRequest {
  apiKey: number;
  version: number;
  /** The request as the dispatcher takes it: header and body, without the size prefix. */
  frame: Buffer;
  /** The partitions the decoded response reports an error for. */
  failures(response: any): string[];
}

/** Per round, a Produce to every partition then a Fetch of every one; librdkafka's versions and the Java client's in turns. */
async function warmUpRequests(partitions: number): Promise<WarmUpRequest[][]> {
  const records = await encodeBatch({records: [{key: null, value: Buffer.alloc(100, 120)}]});
  const all = (at: (index: number) => object) => Array.from({length: partitions}, (_, index) => at(index));
  const frame = (apiKey: number, version: number, body: object) => encodeRequest(apiKey, version, 0, null, body).subarray(4);
  const failed = (p: {errorCode: number; index?: number; partitionIndex?: number; errorMessage?: string | null}) => p.errorCode === ErrorCode.NONE ? [] :
    [`${WARM_UP_TOPIC}-${p.index ?? p.partitionIndex}: error ${p.errorCode}${p.errorMessage ? ` (${p.errorMessage})` : ""}`];
  const produce = (version: number, acks: number): WarmUpRequest => ({apiKey: ApiKey.Produce, version,
    frame: frame(ApiKey.Produce, version, {transactionalId: null, acks, timeoutMs: 30_000,
      topicData: [{name: WARM_UP_TOPIC, partitionData: all((index) => ({index, records}))}]}),
    failures: (r) => r.responses.flatMap((t: any) => t.partitionResponses.flatMap(failed))});
  // Each partition's first batches (1 KiB at most), as a consumer catching up reads them.
  const fetch = (version: number): WarmUpRequest => ({apiKey: ApiKey.Fetch, version,
    frame: frame(ApiKey.Fetch, version, {replicaId: -1, maxWaitMs: 0, minBytes: 1, maxBytes: 52_428_800, isolationLevel: 0,
      sessionId: 0, sessionEpoch: -1, forgottenTopicsData: [], rackId: '', topics: [{topic: WARM_UP_TOPIC, partitions: all((partition) => ({
        partition, currentLeaderEpoch: -1, fetchOffset: 0n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1024}))}]}),
    failures: (r) => r.errorCode !== ErrorCode.NONE ? [`fetch: error ${r.errorCode}`] : r.responses.flatMap((t: any) => t.partitions.flatMap(failed))});
  return [[produce(7, 1), fetch(11)], [produce(9, -1), fetch(12)]];
}

/** Remove warm-up directories of brokers that are no longer running (killed before they could). */
async function removeAbandoned(): Promise<void> {
  const tmp = os.tmpdir();
  const names = await readdir(tmp).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(WARM_UP_DIR_PREFIX)) continue;
    const pid = Number(name.slice(WARM_UP_DIR_PREFIX.length).split('-')[0]);
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || isAlive(pid)) continue;
    await rm(path.join(tmp, name), {recursive: true, force: true}).catch(() => undefined);
  }
}
