/**
 * Where the coordinator's records live: the __consumer_offsets topic. An interface so the
 * coordinator's logic is tested against memory; the broker uses TopicOffsetsLog, which writes
 * Kafka RecordBatches through the TopicManager (so fetches of the topic see them) and creates
 * the topic on first use with Kafka's settings for it (compacted, offsets.topic.* configs).
 * Its partitions' logs are made in the background: the coordinator serves a group only once its
 * partition has a log (partitionState), and FindCoordinator asks for that partition first (prepare).
 */
import type {BrokerConfig} from '../config/index.js';
import type {TopicManager} from '../topics/topic-manager.js';
import {TopicError} from '../topics/topic-manager.js';
import {ErrorCode} from '../../protocol/error-codes.js';
import {ATTR_CONTROL} from '../../records/batch-header.js';
import {decodeBatch, encodeBatch, iterateBatches} from '../../records/batch.js';

export const OFFSETS_TOPIC = '__consumer_offsets';
/** Bytes read per step while loading a partition. */
const LOAD_CHUNK_BYTES = 1024 * 1024;

export interface OffsetsLogRecord {
  key: Buffer;
  value: Buffer | null;
}

/**
 * Whether the coordinator can serve the groups of a partition: 'ready' (its log exists),
 * 'loading' (its log is being created), 'absent' (no topic yet, or its log could not be created).
 */
export type OffsetsPartitionState = 'ready' | 'loading' | 'absent';

export interface OffsetsLog {
  /** Partitions of __consumer_offsets: the topic's count if it exists, else offsets.topic.num.partitions. */
  numPartitions(): number;
  /** Create the topic if it does not exist yet (FindCoordinator does this, as in Kafka). */
  ensureTopic(): Promise<void>;
  partitionState(partition: number): OffsetsPartitionState;
  /**
   * Create the topic if needed, then the partition's log ahead of the others (again if it failed).
   * Resolves once the topic exists, without waiting for the log; rejects if the topic could not be created.
   */
  prepare(partition: number): Promise<void>;
  /** Append records as one batch; resolves once durable. */
  append(partition: number, records: OffsetsLogRecord[], timestampMs: number): Promise<void>;
  /** Every record of every partition, each partition in offset order. */
  readAll(): AsyncIterable<OffsetsLogRecord>;
}

export class TopicOffsetsLog implements OffsetsLog {
  private creating: Promise<void> | null = null;

  constructor(private readonly topics: TopicManager, private readonly config: () => BrokerConfig) {}

  numPartitions(): number {
    return this.topics.get(OFFSETS_TOPIC)?.partitions ?? this.config().offsetsTopicNumPartitions;
  }

  ensureTopic(): Promise<void> {
    if (this.topics.get(OFFSETS_TOPIC)) return Promise.resolve();
    this.creating ??= this.create().finally(() => { this.creating = null; });
    return this.creating;
  }

  partitionState(partition: number): OffsetsPartitionState {
    if (this.topics.getLog(OFFSETS_TOPIC, partition)) return 'ready';
    return this.topics.isCreating(OFFSETS_TOPIC, partition) ? 'loading' : 'absent';
  }

  async prepare(partition: number): Promise<void> {
    await this.ensureTopic();
    // Moves the partition to the front of the creation queue (or schedules it again); not awaited.
    void this.topics.whenCreated(OFFSETS_TOPIC, partition);
  }

  async append(partition: number, records: OffsetsLogRecord[], timestampMs: number): Promise<void> {
    await this.ensureTopic();
    const ts = BigInt(timestampMs);
    const batch = await encodeBatch({records: records.map((r) => ({key: r.key, value: r.value, timestamp: ts}))});
    await this.topics.append(OFFSETS_TOPIC, partition, batch);
  }

  async *readAll(): AsyncIterable<OffsetsLogRecord> {
    const info = this.topics.get(OFFSETS_TOPIC);
    if (!info) return;
    for (let p = 0; p < info.partitions; p++) {
      const log = this.topics.getLog(OFFSETS_TOPIC, p);
      if (!log) continue;
      let offset = log.logStartOffset;
      while (offset < log.logEndOffset) {
        const chunk = await log.read(offset, LOAD_CHUNK_BYTES, {minOneBatch: true});
        let next = offset;
        for (const entry of iterateBatches(chunk)) {
          const lastOffset = entry.header.baseOffset + BigInt(entry.header.lastOffsetDelta);
          next = lastOffset + 1n;
          // Transaction markers carry no group data; legacy (magic < 2) entries are not written by Kafka 3.x.
          if (entry.header.magic !== 2 || (entry.header.attributes & ATTR_CONTROL) !== 0) continue;
          const decoded = await decodeBatch(chunk, entry.position);
          for (const record of decoded.records) {
            if (record.offset < offset || record.key === null) continue;
            yield {key: record.key, value: record.value};
          }
        }
        if (next <= offset) break; // nothing readable here (empty read): stop rather than spin
        offset = next;
      }
    }
  }

  private async create(): Promise<void> {
    const config = this.config();
    try {
      await this.topics.createTopic(OFFSETS_TOPIC, {
        numPartitions: config.offsetsTopicNumPartitions,
        replicationFactor: 1,
        configs: {
          'cleanup.policy': 'compact',
          'compression.type': 'producer',
          'segment.bytes': String(config.offsetsTopicSegmentBytes),
        },
        // Nothing waits for the partition directories: the coordinator serves a group once its partition has a log.
        background: true,
      });
    } catch (err) {
      if (!(err instanceof TopicError && err.errorCode === ErrorCode.TOPIC_ALREADY_EXISTS)) throw err;
    }
  }
}
