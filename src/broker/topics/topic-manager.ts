/**
 * The broker's topic catalogue: names, ids, partition counts and config overrides, persisted in
 * `__kstream_topics.json` (see topic-store.ts) with Kafka's partition.metadata in every partition
 * directory. A data dir written by real Kafka (no kstream file) is adopted from its
 * `<topic>-<partition>` directories. Mutations are serialized so the file and the logs agree.
 */
import type {LogManager} from '../../storage/log-manager.js';
import type {PartitionLog} from '../../storage/partition-log.js';
import type {BrokerConfig} from '../config/index.js';
import {topicLogConfig, validateTopicConfigs} from '../config/index.js';
import {ErrorCode} from '../../protocol/error-codes.js';
import {forEachLimited} from '../../storage/limiter.js';
import {AppendNotifier} from './append-notifier.js';
import {randomTopicId} from './topic-id.js';
import {isInternalTopic, topicNameError, unifyCollisionChars} from './topic-name.js';
import {readTopicStore, StoredTopic, writeTopicStore} from './topic-store.js';

export interface TopicInfo {
  name: string;
  topicId: string;
  partitions: number;
  /** Config overrides only; defaults come from the broker config. */
  configs: Record<string, string>;
  internal: boolean;
}

export interface CreateTopicOptions {
  /** -1 = the broker's num.partitions. */
  numPartitions: number;
  /** -1 = the broker's default.replication.factor. */
  replicationFactor: number;
  configs: Record<string, string>;
  validateOnly?: boolean;
}

/** A topic operation refused with a Kafka error code and Kafka's message. */
export class TopicError extends Error {
  constructor(readonly errorCode: number, message: string) {
    super(message);
    this.name = 'TopicError';
  }
}

/** Brokers in this cluster: kstream is a single node. */
const AVAILABLE_BROKERS = 1;
/**
 * Partitions created at once: each waits mostly on fsyncs, which the disk batches when several
 * are in flight; more would only queue on the storage's shared file-operation limiter.
 */
const CREATE_CONCURRENCY = 16;

/**
 * This node leads every partition from its creation with epoch 0 (see partition-state.ts); the
 * epoch is recorded as the partition is created, as Kafka does on leader election, so the first
 * Produce does not have to write leader-epoch-checkpoint.
 */
const NEW_LEADER_EPOCH = {leaderEpoch: 0};

const range = (from: number, to: number): number[] => Array.from({length: Math.max(0, to - from)}, (_, i) => from + i);

export class TopicManager {
  private readonly topics = new Map<string, TopicInfo>();
  private readonly byId = new Map<string, TopicInfo>();
  private queue: Promise<unknown> = Promise.resolve();
  /** Fetch long polls wait on this; appends, deletions and truncations notify it. */
  readonly appends = new AppendNotifier();

  private constructor(
    private readonly dataDir: string,
    private readonly logManager: LogManager,
    private config: BrokerConfig,
  ) {}

  static async open(options: {dataDir: string; logs: LogManager; config: BrokerConfig}): Promise<TopicManager> {
    const manager = new TopicManager(options.dataDir, options.logs, options.config);
    await manager.load();
    return manager;
  }

  list(): TopicInfo[] {
    return [...this.topics.values()].map(copyInfo);
  }

  get(name: string): TopicInfo | undefined {
    const info = this.topics.get(name);
    return info && copyInfo(info);
  }

  getById(topicId: string): TopicInfo | undefined {
    const info = this.byId.get(topicId);
    return info && copyInfo(info);
  }

  getLog(name: string, partition: number): PartitionLog | undefined {
    if (!this.topics.has(name)) return undefined;
    return this.logManager.getLog(name, partition);
  }

  /** The broker config changed (dynamic broker configs): later topics and logs use it. */
  updateBrokerConfig(config: BrokerConfig): void {
    this.config = config;
    for (const info of this.topics.values()) this.applyConfig(info);
  }

  createTopic(name: string, options: CreateTopicOptions): Promise<TopicInfo> {
    return this.serialize(async () => {
      const info = this.checkNewTopic(name, options);
      if (options.validateOnly) return copyInfo(info);
      await this.materialize(info);
      return copyInfo(info);
    });
  }

  /** The topic, auto-created with broker defaults when auto.create.topics.enable allows it. */
  async ensureTopic(name: string): Promise<TopicInfo | undefined> {
    const existing = this.get(name);
    if (existing) return existing;
    if (!this.config.autoCreateTopicsEnable || topicNameError(name) !== null || isInternalTopic(name)) return undefined;
    try {
      return await this.createTopic(name, {numPartitions: -1, replicationFactor: -1, configs: {}});
    } catch (err) {
      // Another request created it meanwhile.
      if (err instanceof TopicError && err.errorCode === ErrorCode.TOPIC_ALREADY_EXISTS) return this.get(name);
      throw err;
    }
  }

  deleteTopic(name: string): Promise<void> {
    return this.serialize(async () => {
      const info = this.requireTopic(name);
      this.topics.delete(name);
      this.byId.delete(info.topicId);
      // Logs first: a crash midway leaves the topic listed with some partitions recreated
      // empty on restart, never a deleted topic brought back with its data.
      try {
        await this.logManager.deleteLogs(range(0, info.partitions).map((partition) => ({topic: name, partition})));
      } finally {
        for (let p = 0; p < info.partitions; p++) this.appends.notify(name, p);
      }
      await this.persist();
    });
  }

  createPartitions(name: string, totalCount: number, validateOnly = false): Promise<void> {
    return this.serialize(async () => {
      const info = this.requireTopic(name);
      if (totalCount < info.partitions) {
        throw new TopicError(ErrorCode.INVALID_PARTITIONS,
          `Topic currently has ${info.partitions} partitions, which is higher than the requested ${totalCount}.`);
      }
      if (totalCount === info.partitions) {
        throw new TopicError(ErrorCode.INVALID_PARTITIONS, `Topic already has ${info.partitions} partitions.`);
      }
      if (validateOnly) return;
      const logConfig = topicLogConfig(info.configs, this.config);
      await forEachLimited(range(info.partitions, totalCount), CREATE_CONCURRENCY, async (p) => {
        if (!this.logManager.getLog(name, p)) await this.logManager.createLog(name, p, info.topicId, logConfig, NEW_LEADER_EPOCH);
      });
      info.partitions = totalCount;
      await this.persist();
    });
  }

  /** Replace the topic's config overrides and apply them to its live logs. */
  setTopicConfigs(name: string, overrides: Record<string, string>): Promise<void> {
    return this.serialize(async () => {
      const info = this.requireTopic(name);
      checkConfigs(overrides);
      info.configs = {...overrides};
      this.applyConfig(info);
      await this.persist();
    });
  }

  /** Append validated batches and wake fetches waiting on the partition. */
  async append(name: string, partition: number, batches: Buffer, leaderEpoch = 0): Promise<Awaited<ReturnType<PartitionLog['append']>>> {
    const log = this.getLog(name, partition);
    if (!log) throw new TopicError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'This server does not host this topic-partition.');
    const result = await log.append(batches, {leaderEpoch});
    this.appends.notify(name, partition);
    return result;
  }

  private checkNewTopic(name: string, options: CreateTopicOptions): TopicInfo {
    const nameError = topicNameError(name);
    if (nameError) throw new TopicError(ErrorCode.INVALID_TOPIC_EXCEPTION, nameError);
    if (this.topics.has(name)) throw new TopicError(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${name}' already exists.`);
    const unified = unifyCollisionChars(name);
    for (const other of this.topics.keys()) {
      if (unifyCollisionChars(other) === unified) {
        throw new TopicError(ErrorCode.INVALID_TOPIC_EXCEPTION, `Topic '${name}' collides with existing topic: ${other}`);
      }
    }
    const partitions = options.numPartitions === -1 ? this.config.numPartitions : options.numPartitions;
    if (!Number.isInteger(partitions) || partitions <= 0) {
      throw new TopicError(ErrorCode.INVALID_PARTITIONS, 'Number of partitions must be larger than 0.');
    }
    const replication = options.replicationFactor === -1 ? this.config.defaultReplicationFactor : options.replicationFactor;
    if (!Number.isInteger(replication) || replication <= 0) {
      throw new TopicError(ErrorCode.INVALID_REPLICATION_FACTOR, 'Replication factor must be larger than 0.');
    }
    if (replication > AVAILABLE_BROKERS) {
      throw new TopicError(ErrorCode.INVALID_REPLICATION_FACTOR,
        `Replication factor: ${replication} larger than available brokers: ${AVAILABLE_BROKERS}.`);
    }
    checkConfigs(options.configs);
    return {name, topicId: randomTopicId(), partitions, configs: {...options.configs}, internal: isInternalTopic(name)};
  }

  private async materialize(info: TopicInfo): Promise<void> {
    const logConfig = topicLogConfig(info.configs, this.config);
    try {
      await forEachLimited(range(0, info.partitions), CREATE_CONCURRENCY, (p) => this.logManager.createLog(info.name, p, info.topicId, logConfig, NEW_LEADER_EPOCH));
    } catch (err) {
      // Leave no half-created topic behind (it would be adopted on the next start).
      await this.logManager.deleteLogs(range(0, info.partitions).map((partition) => ({topic: info.name, partition}))).catch(() => undefined);
      throw err;
    }
    this.topics.set(info.name, info);
    this.byId.set(info.topicId, info);
    await this.persist();
  }

  private requireTopic(name: string): TopicInfo {
    const info = this.topics.get(name);
    if (!info) throw new TopicError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'This server does not host this topic-partition.');
    return info;
  }

  private applyConfig(info: TopicInfo): void {
    const logConfig = topicLogConfig(info.configs, this.config);
    for (let p = 0; p < info.partitions; p++) this.logManager.getLog(info.name, p)?.updateConfig(logConfig);
  }

  private async load(): Promise<void> {
    const stored = await readTopicStore(this.dataDir);
    // Partition dirs the file does not list (a Kafka data dir, or a crash between creating a
    // topic's logs and writing the file) are adopted rather than left invisible.
    const known = new Set((stored ?? []).map((t) => t.name));
    const discovered = this.discover().filter((t) => !known.has(t.name));
    const entries = [...(stored ?? []), ...discovered];
    for (const entry of entries) {
      const info: TopicInfo = {...entry, configs: {...entry.configs}, internal: isInternalTopic(entry.name)};
      this.topics.set(info.name, info);
      this.byId.set(info.topicId, info);
      // Recreate partitions whose directory went missing, so every listed partition has a log.
      const logConfig = topicLogConfig(info.configs, this.config);
      await forEachLimited(range(0, info.partitions), CREATE_CONCURRENCY, async (p) => {
        const log = this.logManager.getLog(info.name, p);
        if (!log) await this.logManager.createLog(info.name, p, info.topicId, logConfig, NEW_LEADER_EPOCH);
        else log.updateConfig(logConfig);
      });
    }
    // First start on this data dir (fresh, or adopted from Kafka) or adopted dirs: write the file.
    if (stored === null || discovered.length > 0) await this.persist();
  }

  /** Topics of a data dir Kafka wrote: one per `<topic>-<partition>` set, ids from partition.metadata. */
  private discover(): StoredTopic[] {
    const found = new Map<string, StoredTopic>();
    for (const log of this.logManager.logs()) {
      let entry = found.get(log.topic);
      if (!entry) {
        entry = {name: log.topic, topicId: '', partitions: 0, configs: {}};
        found.set(log.topic, entry);
      }
      entry.partitions = Math.max(entry.partitions, log.partition + 1);
      if (!entry.topicId && log.topicId && log.topicId !== 'AAAAAAAAAAAAAAAAAAAAAA') entry.topicId = log.topicId;
    }
    for (const entry of found.values()) if (!entry.topicId) entry.topicId = randomTopicId();
    return [...found.values()];
  }

  private async persist(): Promise<void> {
    const entries: StoredTopic[] = [...this.topics.values()].map((t) => ({
      name: t.name, topicId: t.topicId, partitions: t.partitions, configs: t.configs,
    }));
    await writeTopicStore(this.dataDir, entries);
  }

  private serialize<T>(work: () => Promise<T>): Promise<T> {
    const result = this.queue.then(work, work);
    this.queue = result.catch(() => undefined);
    return result;
  }
}

function checkConfigs(configs: Record<string, string>): void {
  try {
    validateTopicConfigs(configs);
  } catch (err) {
    const code = (err as {errorCode?: number}).errorCode ?? ErrorCode.INVALID_CONFIG;
    throw new TopicError(code, (err as Error).message);
  }
}

function copyInfo(info: TopicInfo): TopicInfo {
  return {...info, configs: {...info.configs}};
}
