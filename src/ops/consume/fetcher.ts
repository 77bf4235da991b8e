/**
 * Group-less consumption (kcat's default, "assign" mode) over the project's own protocol client:
 * kafkajs cannot consume without joining a group, and a group-less read must commit nothing and
 * leave no trace on the cluster. Each poll sends one Fetch per partition leader (read_committed,
 * long-polling up to POLL_WAIT_MS), decodes the batches and advances the positions.
 */
import {ClusterClient, KafkaProtocolError, leadersOf} from '../../client/cluster-client.js';
import {ApiKey} from '../../protocol/generated/api-keys.js';
import {ErrorCode} from '../../protocol/error-codes.js';
import {KstreamError} from '../../output/errors.js';
import {topicMetadata} from '../topics/describe.js';
import {decodeFetchedRecords} from './decode.js';
import {resolveStartOffsets, StartSpec} from './position.js';
import type {ConsumedRecord} from './record.js';
import type {RecordSource} from './source.js';

const POLL_WAIT_MS = 500;
const MAX_BYTES = 16 << 20;
const PARTITION_MAX_BYTES = 1 << 20;
const READ_COMMITTED = 1;
/** Errors after which the partition's leader is looked up again and the fetch retried. */
const REROUTE = new Set<number>([
  ErrorCode.NOT_LEADER_OR_FOLLOWER, ErrorCode.LEADER_NOT_AVAILABLE, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  ErrorCode.FENCED_LEADER_EPOCH, ErrorCode.UNKNOWN_LEADER_EPOCH, ErrorCode.REPLICA_NOT_AVAILABLE, ErrorCode.KAFKA_STORAGE_ERROR,
]);

interface PartitionState {
  position: bigint;
  /** Last stable offset (read_committed end) as last seen. */
  end: bigint;
}

export class PartitionFetcher implements RecordSource {
  private leaders = new Map<string, number>();
  private topicId = 'AAAAAAAAAAAAAAAAAAAAAA';
  private stale = false;

  private constructor(private readonly cluster: ClusterClient, readonly topic: string, private readonly state: Map<number, PartitionState>,
    private readonly signal?: AbortSignal) {}

  /** Connect, check the topic and partitions, and find the start offsets. */
  static async open(cluster: ClusterClient, topic: string, partitions: number[] | undefined, spec: StartSpec, signal?: AbortSignal): Promise<PartitionFetcher> {
    const md = await topicMetadata(cluster, [topic]);
    const t = md.topics[0]!;
    const all = t.partitions.map((p) => p.partitionIndex).sort((a, b) => a - b);
    const chosen = partitions ?? all;
    for (const p of chosen) {
      if (!all.includes(p)) throw new KstreamError(`topic "${topic}" has no partition ${p}`, {exitCode: 2, hint: `Its partitions are 0 to ${all.length - 1}`});
    }
    const leaders = leadersOf(md);
    const starts = await resolveStartOffsets(cluster, topic, chosen, leaders, spec);
    const state = new Map([...starts].map(([p, s]) => [p, {position: s.start, end: s.logEnd}]));
    const fetcher = new PartitionFetcher(cluster, topic, state, signal);
    fetcher.leaders = leaders;
    fetcher.topicId = t.topicId ?? fetcher.topicId;
    return fetcher;
  }

  /** Next offset to read per partition. */
  positions(): Map<number, bigint> {
    return new Map([...this.state].map(([p, s]) => [p, s.position]));
  }

  atEnd(): boolean {
    return [...this.state.values()].every((s) => s.position >= s.end);
  }

  handled(): void {
    // Group-less reads commit nothing.
  }

  async close(): Promise<void> {
    await this.cluster.close();
  }

  async next(): Promise<ConsumedRecord[]> {
    if (this.signal?.aborted) return [];
    if (this.stale) await this.refreshLeaders();
    const byLeader = new Map<number, number[]>();
    for (const p of this.state.keys()) {
      const leader = this.leaders.get(`${this.topic}:${p}`) ?? -1;
      if (leader < 0) {
        this.stale = true;
        continue;
      }
      byLeader.set(leader, [...(byLeader.get(leader) ?? []), p]);
    }
    const fetches = Promise.all([...byLeader].map(([leader, ps]) => this.fetchFrom(leader, ps).catch((err: unknown) => {
      if (err instanceof KstreamError) throw err;
      throw new KstreamError(`lost the broker (node ${leader}) while consuming "${this.topic}": ${(err as Error).message}`, {
        hint: 'Check that the broker is running, then run the command again', cause: err,
      });
    })));
    const results = await this.abortable(fetches);
    return results === undefined ? [] : results.flat();
  }

  private async fetchFrom(leader: number, partitions: number[]): Promise<ConsumedRecord[]> {
    const client = await this.cluster.broker(leader);
    const response = await client.request<any>(ApiKey.Fetch, {
      replicaId: -1, maxWaitMs: POLL_WAIT_MS, minBytes: 1, maxBytes: MAX_BYTES, isolationLevel: READ_COMMITTED,
      sessionId: 0, sessionEpoch: -1, rackId: '', forgottenTopicsData: [],
      topics: [{topic: this.topic, topicId: this.topicId, partitions: partitions.map((partition) => ({
        partition, currentLeaderEpoch: -1, fetchOffset: this.state.get(partition)!.position, lastFetchedEpoch: -1, logStartOffset: -1,
        partitionMaxBytes: PARTITION_MAX_BYTES,
      }))}],
    });
    if (response.errorCode) throw new KafkaProtocolError(response.errorCode, `fetching from ${this.topic}`);
    const out: ConsumedRecord[] = [];
    for (const t of response.responses) {
      for (const p of [...t.partitions].sort((a: any, b: any) => a.partitionIndex - b.partitionIndex)) {
        const s = this.state.get(p.partitionIndex);
        if (!s) continue;
        if (p.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE) {
          await this.reposition(p.partitionIndex);
          continue;
        }
        if (REROUTE.has(p.errorCode)) {
          this.stale = true;
          continue;
        }
        if (p.errorCode !== 0) throw new KafkaProtocolError(p.errorCode, `fetching ${this.topic}-${p.partitionIndex} at offset ${s.position}`);
        const decoded = await decodeFetchedRecords(this.topic, p.partitionIndex, p.records ?? null, s.position, p.abortedTransactions ?? []);
        s.position = decoded.nextOffset;
        s.end = p.lastStableOffset !== undefined && p.lastStableOffset >= 0n ? p.lastStableOffset : p.highWatermark;
        out.push(...decoded.records);
      }
    }
    return out;
  }

  /** The log moved under the position (trimmed or truncated): continue from the nearest valid offset. */
  private async reposition(partition: number): Promise<void> {
    const s = this.state.get(partition)!;
    const spec: StartSpec = {kind: 'offset', offset: s.position};
    const starts = await resolveStartOffsets(this.cluster, this.topic, [partition], this.leaders, spec);
    const start = starts.get(partition)!;
    s.position = start.start;
    s.end = start.logEnd;
  }

  private async refreshLeaders(): Promise<void> {
    const md = await this.cluster.metadata([this.topic]);
    const t = md.topics[0];
    if (!t || t.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) throw new KstreamError(`topic "${this.topic}" was deleted while being consumed`);
    this.leaders = leadersOf(md);
    this.stale = false;
  }

  /** The promise's value, or undefined as soon as the signal aborts (Ctrl-C ends a long poll at once). */
  private abortable<T>(promise: Promise<T>): Promise<T | undefined> {
    const signal = this.signal;
    if (!signal) return promise;
    promise.catch(() => undefined);
    return new Promise<T | undefined>((resolve, reject) => {
      const onAbort = () => resolve(undefined);
      signal.addEventListener('abort', onAbort, {once: true});
      promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }
}
