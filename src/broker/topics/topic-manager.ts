/**
 * The broker's topic catalogue: names, ids, partition counts and config overrides, persisted in
 * `__kstream_topics.json` (see topic-store.ts) with Kafka's partition.metadata in every partition
 * directory. A data dir written by real Kafka (no kstream file) is adopted from its
 * `<topic>-<partition>` directories. Mutations are serialized so the file and the logs agree.
 *
 * A topic (or added partitions) is durable once the file is written; the partition directories
 * are then created in the background (partition-creator.ts), as Kafka's brokers create them when
 * they apply the controller's metadata. Until its log exists a partition is an empty log at offset
 * 0 with leader epoch 0 (nothing can be appended before the log exists): reads are answered from
 * that (`readView`), and writes wait for the log (`whenCreated`). Start-up creates the directories
 * of listed partitions that are missing (a crash after the file was written).
 */
import type {LogConfig} from '../../storage/log-config.js';
import type {LogManager} from '../../storage/log-manager.js';
import type {AppendResult} from '../../storage/append-result.js';
import type {PartitionLog} from '../../storage/partition-log.js';
import type {AppendRound, ExpectedWrites} from '../../storage/append-round.js';
import type {BrokerConfig} from '../config/index.js';
import {topicLogConfig, validateTopicConfigs} from '../config/index.js';
import {producePolicyOf} from './produce-policy.js';
import {ErrorCode} from '../../protocol/error-codes.js';
import {NEW_LEADER_EPOCH, NEW_PARTITION, type PartitionView} from '../partition-state.js';
import {AppendNotifier} from './append-notifier.js';
import {PartitionCreator} from './partition-creator.js';
import {randomTopicId, ZERO_UUID} from './topic-id.js';
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
  /**
   * Resolve once the topic is durable, leaving its partition directories to the background
   * (what CreateTopics does). By default the call also waits for them.
   */
  background?: boolean;
}

export interface CreatePartitionsOptions {
  validateOnly?: boolean;
  /** As for CreateTopicOptions.background. */
  background?: boolean;
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
 * Partitions created at once in the background: each waits mostly on file creation and fsyncs,
 * which the disk overlaps when several are in flight; more would only queue on the storage's
 * shared file-operation limiter and delay other requests' file operations.
 */
const CREATE_CONCURRENCY = 16;

/**
 * This node leads every partition from its creation with epoch 0 (see partition-state.ts); the
 * epoch is recorded as the partition is created, as Kafka does on leader election, so the first
 * Produce does not have to write leader-epoch-checkpoint.
 */
const CREATE_WITH_EPOCH = {leaderEpoch: NEW_LEADER_EPOCH};

const range = (from: number, to: number): number[] => Array.from({length: Math.max(0, to - from)}, (_, i) => from + i);

export class TopicManager {
  private readonly topics = new Map<string, TopicInfo>();
  private readonly byId = new Map<string, TopicInfo>();
  private queue: Promise<unknown> = Promise.resolve();
  /** Fetch long polls wait on this; appends, deletions and truncations notify it. */
  readonly appends = new AppendNotifier();
  private readonly creator: PartitionCreator;
  /** Each topic's log config, computed once per (overrides, broker config) rather than per partition. */
  private readonly logConfigs = new WeakMap<TopicInfo, {configs: Record<string, string>; broker: BrokerConfig; config: LogConfig}>();

  private constructor(
    private readonly dataDir: string,
    private readonly logManager: LogManager,
    private config: BrokerConfig,
    log: (line: string) => void,
  ) {
    this.creator = new PartitionCreator((topic, partition) => this.createLog(topic, partition), CREATE_CONCURRENCY,
      (topic, partition, err) => log(`creating partition ${topic}-${partition} failed: ${(err as Error).message}`));
  }

  static async open(options: {dataDir: string; logs: LogManager; config: BrokerConfig; log?: (line: string) => void}): Promise<TopicManager> {
    const manager = new TopicManager(options.dataDir, options.logs, options.config, options.log ?? (() => undefined));
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

  /** The partition's log; undefined for an unknown partition and while its log is being created. */
  getLog(name: string, partition: number): PartitionLog | undefined {
    if (!this.topics.has(name)) return undefined;
    return this.logManager.getLog(name, partition);
  }

  /**
   * For requests that only read: the partition's log, NEW_PARTITION while its log is being
   * created, undefined for an unknown partition or one whose log could not be created.
   */
  readView(name: string, partition: number): PartitionView | undefined {
    if (!this.topics.has(name)) return undefined;
    return this.logManager.getLog(name, partition) ?? (this.creator.isPending(name, partition) ? NEW_PARTITION : undefined);
  }

  /** Whether the partition's log is queued for creation or being created (in the background). */
  isCreating(name: string, partition: number): boolean {
    return this.topics.has(name) && this.creator.isPending(name, partition);
  }

  /**
   * For requests that write: undefined when the partition's log exists or the partition is
   * unknown; otherwise a promise that resolves once its creation has ended (moved to the front
   * of the queue; retried if an earlier attempt failed). getLog then has the log unless creation
   * failed again.
   */
  whenCreated(name: string, partition: number): Promise<void> | undefined {
    if (this.logManager.getLog(name, partition)) return undefined;
    const info = this.topics.get(name);
    if (!info || partition < 0 || partition >= info.partitions) return undefined;
    const waiting = this.creator.whenCreated(name, partition);
    if (waiting) return waiting;
    this.creator.schedule(name, [partition], {urgent: true});
    return this.creator.whenCreated(name, partition);
  }

  /** Resolves once the partitions of `name` (of every topic when omitted) scheduled so far have been created (or failed). */
  logsCreated(name?: string): Promise<void> {
    return this.creator.settled(name);
  }

  /** Stop creating partitions (the queued ones are created on the next start) and wait for those under way. */
  close(): Promise<void> {
    return this.creator.close();
  }

  /** The broker config changed (dynamic broker configs): later topics and logs use it. */
  updateBrokerConfig(config: BrokerConfig): void {
    this.config = config;
    for (const info of this.topics.values()) this.applyConfig(info);
  }

  createTopic(name: string, options: CreateTopicOptions): Promise<TopicInfo> {
    const created = this.serialize(async () => {
      const info = this.checkNewTopic(name, options);
      if (options.validateOnly) return copyInfo(info);
      // Durable first: once the file lists the topic, start-up creates any directory missing.
      await this.persist([...this.topics.values(), info]);
      this.topics.set(info.name, info);
      this.byId.set(info.topicId, info);
      this.creator.schedule(info.name, range(0, info.partitions));
      return copyInfo(info);
    });
    if (options.background || options.validateOnly) return created;
    return created.then(async (info) => {
      await this.checkCreated(name, 0, info.partitions);
      return info;
    });
  }

  /** The topic, auto-created with broker defaults when auto.create.topics.enable allows it. */
  async ensureTopic(name: string): Promise<TopicInfo | undefined> {
    const existing = this.get(name);
    if (existing) return existing;
    if (!this.config.autoCreateTopicsEnable || topicNameError(name) !== null || isInternalTopic(name)) return undefined;
    try {
      return await this.createTopic(name, {numPartitions: -1, replicationFactor: -1, configs: {}, background: true});
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
        await this.creator.cancel(name);
        await this.logManager.deleteLogs(range(0, info.partitions).map((partition) => ({topic: name, partition})));
      } finally {
        for (let p = 0; p < info.partitions; p++) this.appends.notify(name, p);
      }
      await this.persist();
    });
  }

  createPartitions(name: string, totalCount: number, options: CreatePartitionsOptions = {}): Promise<void> {
    let before = 0;
    const grown = this.serialize(async () => {
      const info = this.requireTopic(name);
      if (totalCount < info.partitions) {
        throw new TopicError(ErrorCode.INVALID_PARTITIONS,
          `Topic currently has ${info.partitions} partitions, which is higher than the requested ${totalCount}.`);
      }
      if (totalCount === info.partitions) {
        throw new TopicError(ErrorCode.INVALID_PARTITIONS, `Topic already has ${info.partitions} partitions.`);
      }
      if (options.validateOnly) return;
      before = info.partitions;
      await this.persist([...this.topics.values()].map((t) => (t === info ? {...t, partitions: totalCount} : t)));
      info.partitions = totalCount;
      this.creator.schedule(name, range(before, totalCount));
    });
    if (options.background || options.validateOnly) return grown;
    return grown.then(() => this.checkCreated(name, before, totalCount));
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

  /**
   * append() without yielding when the partition's log can take the batches at once (see
   * PartitionLog.tryAppendNow); undefined, with nothing done, when append() is needed.
   */
  appendNow(name: string, partition: number, batches: Buffer, leaderEpoch = NEW_LEADER_EPOCH,
    log: PartitionLog | undefined = this.getLog(name, partition)): AppendResult | undefined {
    // Without a log (being created, or unknown) append() waits for it or refuses.
    const result = log?.tryAppendNow(batches, {leaderEpoch});
    if (result) this.appends.notify(name, partition);
    return result;
  }

  /**
   * For a Produce to many partitions: appendNow per partition through the round (whose results
   * may come from its finish()), the file writes made together (storage/append-round.ts).
   */
  startAppendRound(expected?: ExpectedWrites): AppendRound {
    return this.logManager.startAppendRound((log) => this.appends.notify(log.topic, log.partition), expected);
  }

  /** Append validated batches and wake fetches waiting on the partition (waiting for its log if it is being created). */
  async append(name: string, partition: number, batches: Buffer, leaderEpoch = NEW_LEADER_EPOCH): Promise<AppendResult> {
    const creating = this.whenCreated(name, partition);
    if (creating) await creating;
    const log = this.getLog(name, partition);
    if (!log) {
      if (this.topics.has(name) && partition >= 0 && partition < this.topics.get(name)!.partitions) {
        throw new TopicError(ErrorCode.KAFKA_STORAGE_ERROR, `The log of ${name}-${partition} could not be created.`);
      }
      throw new TopicError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'This server does not host this topic-partition.');
    }
    const result = await log.append(batches, {leaderEpoch});
    this.appends.notify(name, partition);
    return result;
  }

  /** Create one partition's log with the topic's current config (a job of the creator). */
  private async createLog(name: string, partition: number): Promise<void> {
    const info = this.topics.get(name);
    if (!info || partition >= info.partitions || this.logManager.getLog(name, partition)) return;
    const config = this.logConfigOf(info);
    const log = await this.logManager.createLog(name, partition, info.topicId, config, CREATE_WITH_EPOCH);
    // A config change while the log was being made did not reach it (applyConfig saw no log yet).
    const current = this.logConfigOf(info);
    if (current !== config) log.updateConfig(current);
    // Resolved now, once per topic (cached by the log's config), rather than in its first Produce.
    producePolicyOf(log.config, name, this, this.config);
  }

  private logConfigOf(info: TopicInfo): LogConfig {
    const cached = this.logConfigs.get(info);
    if (cached && cached.configs === info.configs && cached.broker === this.config) return cached.config;
    const config = topicLogConfig(info.configs, this.config);
    this.logConfigs.set(info, {configs: info.configs, broker: this.config, config});
    return config;
  }

  /** Wait for partitions [from, to) of `name`; a KAFKA_STORAGE_ERROR if some could not be created. */
  private async checkCreated(name: string, from: number, to: number): Promise<void> {
    await this.logsCreated(name);
    if (!this.topics.has(name)) return;
    const missing = range(from, to).filter((p) => !this.logManager.getLog(name, p));
    if (missing.length > 0) {
      throw new TopicError(ErrorCode.KAFKA_STORAGE_ERROR,
        `Topic '${name}' was created but the logs of ${missing.length} of its partitions (${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', ...' : ''}) could not be created; see the broker log.`);
    }
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

  private requireTopic(name: string): TopicInfo {
    const info = this.topics.get(name);
    if (!info) throw new TopicError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'This server does not host this topic-partition.');
    return info;
  }

  private applyConfig(info: TopicInfo): void {
    const logConfig = this.logConfigOf(info);
    for (let p = 0; p < info.partitions; p++) this.logManager.getLog(info.name, p)?.updateConfig(logConfig);
  }

  private async load(): Promise<void> {
    const stored = await readTopicStore(this.dataDir);
    // Partition dirs the file does not list (a Kafka data dir) are adopted rather than left invisible.
    const known = new Set((stored ?? []).map((t) => t.name));
    const discovered = this.discover().filter((t) => !known.has(t.name));
    const listed = new Set(known);
    const entries = [...(stored ?? []), ...discovered];
    for (const entry of entries) {
      const info: TopicInfo = {...entry, configs: {...entry.configs}, internal: isInternalTopic(entry.name)};
      this.topics.set(info.name, info);
      this.byId.set(info.topicId, info);
      const logConfig = this.logConfigOf(info);
      const missing: number[] = [];
      for (let p = 0; p < info.partitions; p++) {
        const log = this.logManager.getLog(info.name, p);
        if (!log) missing.push(p);
        else {
          log.updateConfig(logConfig);
          if (listed.has(info.name)) await completeInterruptedCreation(log, info.topicId);
        }
      }
      // Listed partitions without a directory (a crash after the file was written, before the
      // directories were) are created again, in the background like new ones.
      this.creator.schedule(info.name, missing);
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
      if (!entry.topicId && log.topicId && log.topicId !== ZERO_UUID) entry.topicId = log.topicId;
    }
    for (const entry of found.values()) if (!entry.topicId) entry.topicId = randomTopicId();
    return [...found.values()];
  }

  /** Write the topic file with `topics` (default: the current ones). */
  private async persist(topics: Iterable<TopicInfo> = this.topics.values()): Promise<void> {
    const entries: StoredTopic[] = [...topics].map((t) => ({
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

/**
 * A partition directory of a listed topic whose creation a crash interrupted (after the topic
 * file was written) may lack partition.metadata or leader-epoch-checkpoint: write what is missing,
 * as the creation would have.
 */
async function completeInterruptedCreation(log: PartitionLog, topicId: string): Promise<void> {
  if (log.topicId === ZERO_UUID) await log.assignTopicId(topicId);
  if (log.leaderEpoch < 0 && log.logEndOffset === 0n) await log.epochCache.assign(NEW_LEADER_EPOCH, 0n);
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
