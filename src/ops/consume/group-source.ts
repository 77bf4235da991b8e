/**
 * Consumption as a member of a consumer group, through kafkajs: it implements the group protocol
 * (join, sync, heartbeats, rebalances, client-side assignors), which the project's own client does
 * not. kafkajs pushes batches; this adapter hands them to the pull loop one at a time, so a batch
 * is only taken when the previous one was written. Offsets are committed manually: only records
 * that were actually written count (never a batch cut short by -n or Ctrl-C), every
 * COMMIT_INTERVAL_MS and on close, like a consumer with enable.auto.commit over handled records.
 */
import type {Admin, Consumer, EachBatchPayload} from 'kafkajs';
import {ConnectionOptions} from '../../client/connection.js';
import {createKafka, describeConnectionFailure, withTimeout} from '../../client/kafka.js';
import {KstreamError} from '../../output/errors.js';
import {registerCompressionCodecs} from '../produce/codecs.js';
import type {ConsumedRecord} from './record.js';
import type {RecordSource} from './source.js';

const COMMIT_INTERVAL_MS = 5_000;
const POLL_WAIT_MS = 500;

interface Delivery {
  records: ConsumedRecord[];
  taken: () => void;
}

export class GroupSource implements RecordSource {
  private readonly deliveries: Delivery[] = [];
  private wake?: () => void;
  /** Next offset to commit per partition (handled records), and whether it changed since the last commit. */
  private readonly toCommit = new Map<number, bigint>();
  private dirty = false;
  /** Per assigned partition: next offset to read and end of the log, for --exit. */
  private readonly progress = new Map<number, {position: bigint; end: bigint}>();
  private assignmentKnown = false;
  /** Per partition: the offset after the last record handed out, so re-fetched records are skipped. */
  private readonly delivered = new Map<number, bigint>();
  private failure?: unknown;
  private timer?: NodeJS.Timeout;
  private closed = false;

  private constructor(private readonly conn: ConnectionOptions, private readonly consumer: Consumer, private readonly admin: Admin,
    readonly topic: string, readonly groupId: string, private readonly signal?: AbortSignal) {}

  static async open(conn: ConnectionOptions, topic: string, groupId: string, fromBeginning: boolean, signal?: AbortSignal): Promise<GroupSource> {
    registerCompressionCodecs();
    const kafka = createKafka(conn, 'kstream-consumer');
    const consumer = kafka.consumer({groupId, allowAutoTopicCreation: false});
    const admin = kafka.admin();
    const source = new GroupSource(conn, consumer, admin, topic, groupId, signal);
    try {
      await withTimeout(conn, 'connecting', async () => {
        await admin.connect();
        await consumer.connect();
      });
      const topics = await admin.listTopics();
      if (!topics.includes(topic)) throw new KstreamError(`topic "${topic}" does not exist`, {hint: 'List topics with `kstream topics list`'});
      consumer.on(consumer.events.GROUP_JOIN, (e) => {
        source.onAssignment(e.payload.memberAssignment[topic] ?? [], fromBeginning).catch((err) => source.fail(err));
      });
      consumer.on(consumer.events.CRASH, (e) => source.fail(e.payload.error));
      await consumer.subscribe({topics: [topic], fromBeginning});
      await consumer.run({autoCommit: false, eachBatchAutoResolve: false, eachBatch: (payload) => source.onBatch(payload)});
    } catch (err) {
      await source.close().catch(() => undefined);
      throw err instanceof KstreamError ? err : describeConnectionFailure(err, conn);
    }
    source.timer = setInterval(() => void source.commit().catch((err) => source.fail(err)), COMMIT_INTERVAL_MS);
    source.timer.unref();
    return source;
  }

  async next(): Promise<ConsumedRecord[]> {
    if (this.failure) throw describeConnectionFailure(this.failure, this.conn);
    if (this.deliveries.length === 0 && !this.signal?.aborted) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, POLL_WAIT_MS);
        const onAbort = () => resolve();
        this.signal?.addEventListener('abort', onAbort, {once: true});
        this.wake = () => {
          clearTimeout(timer);
          this.signal?.removeEventListener('abort', onAbort);
          resolve();
        };
      });
      this.wake = undefined;
    }
    if (this.failure) throw describeConnectionFailure(this.failure, this.conn);
    const d = this.deliveries.shift();
    if (!d) return [];
    d.taken();
    return d.records;
  }

  atEnd(): boolean {
    return this.assignmentKnown && this.deliveries.length === 0 && [...this.progress.values()].every((p) => p.position >= p.end);
  }

  handled(records: ConsumedRecord[]): void {
    for (const r of records) {
      this.toCommit.set(r.partition, r.offset + 1n);
      const p = this.progress.get(r.partition);
      if (p && p.position < r.offset + 1n) p.position = r.offset + 1n;
    }
    if (records.length > 0) this.dirty = true;
  }

  /** Commit what was handled, then leave the group (which stops kafkajs' fetching). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    // Release a batch kafkajs is waiting to hand over: its records were not written, so not committed.
    for (const d of this.deliveries.splice(0)) d.taken();
    let commitError: unknown;
    try {
      await this.commit();
    } catch (err) {
      commitError = err;
    }
    await this.consumer.disconnect().catch(() => undefined);
    await this.admin.disconnect().catch(() => undefined);
    if (commitError) throw new KstreamError(`could not commit the offsets of group "${this.groupId}": ${(commitError as Error).message}`, {cause: commitError});
  }

  private async commit(): Promise<void> {
    if (!this.dirty) return;
    this.dirty = false;
    const offsets = [...this.toCommit].map(([partition, offset]) => ({topic: this.topic, partition, offset: offset.toString()}));
    await this.consumer.commitOffsets(offsets);
  }

  private async onBatch({batch, resolveOffset}: EachBatchPayload): Promise<void> {
    if (this.closed) return;
    const hw = BigInt(batch.highWatermark);
    const p = this.progress.get(batch.partition);
    if (p) p.end = hw;
    const records: ConsumedRecord[] = batch.messages.map((m) => ({
      topic: batch.topic,
      partition: batch.partition,
      offset: BigInt(m.offset),
      timestamp: BigInt(m.timestamp),
      timestampType: 'create',
      key: m.key ?? null,
      value: m.value ?? null,
      headers: Object.entries(m.headers ?? {}).flatMap(([key, v]) => (Array.isArray(v) ? v : [v]).map((value) => ({key, value: value === undefined ? null : Buffer.from(value)}))),
    }));
    // Never hand a record out twice: kafkajs may fetch the same offsets again (after a rebalance,
    // or before it knows a batch was handled).
    const next = this.delivered.get(batch.partition) ?? -1n;
    const fresh = records.filter((r) => r.offset >= next);
    if (fresh.length === 0) return;
    this.delivered.set(batch.partition, fresh[fresh.length - 1].offset + 1n);
    await new Promise<void>((taken) => {
      this.deliveries.push({records: fresh, taken});
      this.wake?.();
    });
    // Tell kafkajs where to fetch from next (it only moves past offsets that are resolved);
    // what is committed is decided by handled(), not by this.
    resolveOffset(batch.lastOffset());
  }

  /** Where each newly assigned partition starts (committed offset, else the reset policy) and ends. */
  private async onAssignment(partitions: number[], fromBeginning: boolean): Promise<void> {
    const [committed, bounds] = await Promise.all([
      this.admin.fetchOffsets({groupId: this.groupId, topics: [this.topic]}),
      this.admin.fetchTopicOffsets(this.topic),
    ]);
    const committedOf = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
    for (const key of [...this.progress.keys()]) {
      if (!partitions.includes(key)) {
        this.progress.delete(key);
        this.delivered.delete(key);
      }
    }
    for (const partition of partitions) {
      const b = bounds.find((x) => x.partition === partition);
      const end = BigInt(b?.high ?? '0');
      const c = committedOf.get(partition) ?? -1n;
      const start = c >= 0n ? c : fromBeginning ? BigInt(b?.low ?? '0') : end;
      // kafkajs may hand out (and we may write) a batch before this runs: count what was handled.
      const known = this.progress.get(partition)?.position ?? -1n;
      const handled = this.toCommit.get(partition) ?? -1n;
      const position = [start, known, handled].reduce((a, b) => (b > a ? b : a));
      const knownEnd = this.progress.get(partition)?.end ?? -1n;
      this.progress.set(partition, {position, end: knownEnd > end ? knownEnd : end});
      // A newly assigned partition starts at its committed offset; one we kept keeps its place.
      const handedOut = this.delivered.get(partition) ?? -1n;
      this.delivered.set(partition, handedOut > position ? handedOut : position);
    }
    this.assignmentKnown = true;
  }

  private fail(err: unknown): void {
    this.failure ??= err;
    this.wake?.();
  }
}
