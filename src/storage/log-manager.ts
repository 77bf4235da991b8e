/**
 * All partition logs of one data directory (Kafka's LogManager): loads every `<topic>-<partition>`
 * directory on open (recovering after an unclean shutdown from the recovery point checkpoint),
 * creates and deletes logs, runs retention and compaction, and writes the broker-level
 * checkpoints. A clean close leaves `.kafka_cleanshutdown`, so the next open scans nothing.
 */
import {randomUUID} from 'node:crypto';
import * as path from 'node:path';
import {
  type PartitionOffset, formatEpochCheckpoint, formatPartitionMetadata, readOffsetCheckpoint, readPartitionMetadata, writeOffsetCheckpoint,
  writePartitionMetadata,
} from './checkpoints.js';
import {cleanLog, readCleanerCheckpoint, writeCleanerCheckpoint} from './cleaner.js';
import {ErrorCode} from '../protocol/error-codes.js';
import {StorageError} from './errors.js';
import {
  CLEAN_SHUTDOWN_FILE, LEADER_EPOCH_CHECKPOINT, LOG_START_OFFSET_CHECKPOINT, PARTITION_METADATA, RECOVERY_POINT_CHECKPOINT,
  REPLICATION_OFFSET_CHECKPOINT, deleteDirName, isDeleteDirName, logDirName, parseLogDirName,
} from './filenames.js';
import {type FileSystem, NodeFileSystem} from './fs.js';
import {DEFAULT_LOG_CONFIG, type LogConfig, resolveLogConfig} from './log-config.js';
import {forEachLimited} from './limiter.js';
import {Mutex} from './mutex.js';
import {PartitionLog, type PartitionLogOpenOptions, ZERO_TOPIC_ID} from './partition-log.js';
import {applyRetention} from './retention.js';
import {AppendRound, type ExpectedWrites, MIN_SHARED_WRITES} from './append-round.js';
import {WriteThread} from './write-thread.js';

export interface LogManagerOptions {
  dataDir: string;
  defaultConfig?: Partial<LogConfig>;
  fs?: FileSystem;
  now?: () => number;
  /** Per-topic overrides applied when existing logs are loaded. */
  topicConfig?: (topic: string) => Partial<LogConfig> | undefined;
  /** Another LogManager's write thread (its sharedWriteThread()), used instead of one of its own and left running on close. */
  writeThread?: WriteThread;
}

const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;
const LOAD_CONCURRENCY = 8;
const DELETE_CONCURRENCY = 16;

export class LogManager {
  /** Logs by topic, then by partition index: a lookup builds no key string (Metadata and ListOffsets look up every partition). */
  private readonly logsByTopic = new Map<string, Array<PartitionLog | undefined>>();
  private readonly cleanerOffsets = new Map<string, bigint>();
  private closed = false;
  /** Checkpoint files share one `.tmp` name each, so their writes must not interleave. */
  private readonly checkpointLock = new Mutex();
  /** Logs added so far; the write thread starts once a Produce could bring MIN_SHARED_WRITES appends. */
  private logsAdded = 0;
  private writeThread: WriteThread | undefined;
  /** Whether writeThread is this manager's own, stopped when it closes. */
  private ownsWriteThread = true;
  /** Given to every log: one function, not a closure (and its own property table) per partition. */
  private readonly logStartOffsetChanged = () => this.writeLogStartOffsets();

  private constructor(
    readonly dataDir: string,
    readonly defaultConfig: LogConfig,
    readonly fs: FileSystem,
    private readonly now: () => number,
    /** True when the previous run did not close cleanly. */
    readonly hadUncleanShutdown: boolean,
  ) {}

  static async open(options: LogManagerOptions): Promise<LogManager> {
    const fs = options.fs ?? new NodeFileSystem();
    const now = options.now ?? Date.now;
    const defaults = resolveLogConfig(DEFAULT_LOG_CONFIG, options.defaultConfig);
    await fs.mkdir(options.dataDir);
    const marker = path.join(options.dataDir, CLEAN_SHUTDOWN_FILE);
    const hadCleanShutdown = await fs.exists(marker);
    const manager = new LogManager(options.dataDir, defaults, fs, now, !hadCleanShutdown);
    if (options.writeThread) {
      manager.writeThread = options.writeThread;
      manager.ownsWriteThread = false;
    }
    const recoveryPoints = toMap(await readOffsetCheckpoint(fs, path.join(options.dataDir, RECOVERY_POINT_CHECKPOINT)));
    const startOffsets = toMap(await readOffsetCheckpoint(fs, path.join(options.dataDir, LOG_START_OFFSET_CHECKPOINT)));
    for (const [k, v] of toMap(await readCleanerCheckpoint(fs, options.dataDir))) manager.cleanerOffsets.set(k, v);

    const dirs: Array<{name: string; topic: string; partition: number}> = [];
    for (const entry of await fs.readdir(options.dataDir)) {
      if (!entry.isDirectory) continue;
      if (isDeleteDirName(entry.name)) {
        await fs.rmrf(path.join(options.dataDir, entry.name));
        continue;
      }
      const parsed = parseLogDirName(entry.name);
      if (parsed) dirs.push({name: entry.name, ...parsed});
    }
    try {
      await forEachLimited(dirs, LOAD_CONCURRENCY, async (d) => {
        const dir = path.join(options.dataDir, d.name);
        const meta = await readPartitionMetadata(fs, path.join(dir, PARTITION_METADATA));
        const log = await PartitionLog.open({
          fs, dir, topic: d.topic, partition: d.partition, topicId: meta?.topicId ?? ZERO_TOPIC_ID,
          config: resolveLogConfig(defaults, options.topicConfig?.(d.topic)), now,
          recoveryPoint: recoveryPoints.get(key(d.topic, d.partition)),
          logStartOffset: startOffsets.get(key(d.topic, d.partition)),
          hadCleanShutdown,
          onLogStartOffsetChange: manager.logStartOffsetChanged,
        });
        manager.setLog(log);
      });
    } catch (err) {
      await Promise.all(manager.logs().map((l) => l.close().catch(() => {})));
      throw err instanceof StorageError ? err : new StorageError(`cannot load logs from ${options.dataDir}: ${(err as Error).message}`, ErrorCode.KAFKA_STORAGE_ERROR, err);
    }
    // From here on a crash is unclean again (Kafka deletes the marker once the logs are loaded).
    if (hadCleanShutdown) await fs.unlink(marker);
    await manager.checkpoint();
    return manager;
  }

  logs(): PartitionLog[] {
    const out: PartitionLog[] = [];
    for (const partitions of this.logsByTopic.values()) for (const log of partitions) if (log) out.push(log);
    return out;
  }

  getLog(topic: string, partition: number): PartitionLog | undefined {
    return this.logsByTopic.get(topic)?.[partition];
  }

  private setLog(log: PartitionLog): void {
    let partitions = this.logsByTopic.get(log.topic);
    if (!partitions) this.logsByTopic.set(log.topic, (partitions = []));
    // Filled up to the index, so the array stays a dense one (a far-off index would make it a dictionary).
    while (partitions.length < log.partition) partitions.push(undefined);
    if (!partitions[log.partition]) this.logsAdded++;
    partitions[log.partition] = log;
    if (!this.writeThread && this.logsAdded >= MIN_SHARED_WRITES && !this.closed) this.writeThread = new WriteThread();
  }

  /**
   * The write thread, started now if it is not yet running: the broker's path warm-up appends
   * through it, so that the first large Produce finds it running and compiled.
   */
  sharedWriteThread(): WriteThread | undefined {
    if (!this.writeThread && !this.closed) this.writeThread = new WriteThread();
    return this.writeThread;
  }

  /** A round of appends to many partitions, their writes made together (append-round.ts); `completed` is told of each append done. */
  startAppendRound(completed: (log: PartitionLog) => void, expected?: ExpectedWrites): AppendRound {
    return new AppendRound(this.writeThread, completed, expected);
  }

  /**
   * Create `<topic>-<partition>` with partition.metadata, and with leader-epoch-checkpoint when
   * `leaderEpoch` is given (Kafka records the epoch when the new partition's leader is elected);
   * returns the existing log if there is one. A new directory costs two file fsyncs and one of the
   * directory, which also makes the segment files durable.
   */
  async createLog(topic: string, partition: number, topicId: string, config?: Partial<LogConfig>, options: {leaderEpoch?: number} = {}): Promise<PartitionLog> {
    this.checkOpen();
    const existing = this.getLog(topic, partition);
    if (existing) return existing;
    if (!parseLogDirName(logDirName(topic, partition)) || topic.length === 0) {
      throw new StorageError(`invalid topic name or partition: "${topic}" ${partition}`, ErrorCode.INVALID_TOPIC_EXCEPTION);
    }
    const dir = path.join(this.dataDir, logDirName(topic, partition));
    // A directory left behind (not loaded as a log) is opened with recovery; a new one needs none.
    const fresh = !(await this.fs.exists(dir));
    const opts = {
      fs: this.fs, dir, topic, partition, topicId, config: resolveLogConfig(this.defaultConfig, config), now: this.now,
      onLogStartOffsetChange: this.logStartOffsetChanged,
    };
    const log = fresh ? await this.createFreshLog(opts, options.leaderEpoch) : await this.openLeftoverLog(opts, options.leaderEpoch);
    this.setLog(log);
    return log;
  }

  private async createFreshLog(opts: Omit<PartitionLogOpenOptions, 'hadCleanShutdown'>, leaderEpoch: number | undefined): Promise<PartitionLog> {
    const epochs = leaderEpoch !== undefined && leaderEpoch >= 0 ? [{epoch: leaderEpoch, startOffset: opts.logStartOffset ?? 0n}] : [];
    let log: PartitionLog | undefined;
    try {
      await this.fs.mkdir(opts.dir);
      log = await PartitionLog.createEmpty(opts, epochs);
      const files = [{file: path.join(opts.dir, PARTITION_METADATA), data: Buffer.from(formatPartitionMetadata(opts.topicId))}];
      if (epochs.length > 0) files.push({file: path.join(opts.dir, LEADER_EPOCH_CHECKPOINT), data: Buffer.from(formatEpochCheckpoint(epochs))});
      await this.fs.writeFilesAtomic(files);
      return log;
    } catch (err) {
      // A half-made new directory would be adopted as a partition on the next start.
      await log?.close().catch(() => undefined);
      await this.fs.rmrf(opts.dir).catch(() => undefined);
      throw err;
    }
  }

  /** A directory not loaded as a log (left behind): opened with recovery like any other. */
  private async openLeftoverLog(opts: Omit<PartitionLogOpenOptions, 'hadCleanShutdown'>, leaderEpoch: number | undefined): Promise<PartitionLog> {
    await this.fs.mkdir(opts.dir);
    await writePartitionMetadata(this.fs, path.join(opts.dir, PARTITION_METADATA), opts.topicId);
    const log = await PartitionLog.open({...opts, hadCleanShutdown: true});
    if (leaderEpoch !== undefined) await log.epochCache.assign(leaderEpoch, log.logEndOffset);
    return log;
  }

  /** Kafka renames the directory to `<topic>-<partition>.<uuid>-delete`, then removes it. */
  deleteLog(topic: string, partition: number): Promise<void> {
    return this.deleteLogs([{topic, partition}]);
  }

  /**
   * deleteLog for several partitions (a topic's), a few at a time; the broker checkpoints are
   * rewritten once at the end instead of once per partition. Every log is attempted; the first
   * error is thrown after the checkpoint.
   */
  async deleteLogs(targets: Array<{topic: string; partition: number}>): Promise<void> {
    const logs: PartitionLog[] = [];
    const touched = new Set<string>();
    for (const {topic, partition} of targets) {
      const log = this.getLog(topic, partition);
      if (!log) continue;
      this.logsByTopic.get(topic)![partition] = undefined;
      touched.add(topic);
      this.cleanerOffsets.delete(key(topic, partition));
      logs.push(log);
    }
    for (const topic of touched) if (this.logsByTopic.get(topic)!.every((l) => l === undefined)) this.logsByTopic.delete(topic);
    if (logs.length === 0) return;
    try {
      await forEachLimited(logs, DELETE_CONCURRENCY, async (log) => {
        await log.close();
        const renamed = path.join(this.dataDir, deleteDirName(log.topic, log.partition, randomUUID().replace(/-/g, '')));
        await this.fs.rename(log.dir, renamed);
        await this.fs.rmrf(renamed);
      });
    } finally {
      await this.checkpoint();
    }
  }

  /** retention.ms / retention.bytes / log start offset, for every log with cleanup.policy delete. */
  async runRetention(): Promise<void> {
    this.checkOpen();
    for (const log of this.logs()) await applyRetention(log, this.now());
  }

  /** Kafka's periodic producer-id expiration, on every log; returns how many producers were forgotten. */
  async removeExpiredProducers(expirationMs: number): Promise<number> {
    this.checkOpen();
    let removed = 0;
    for (const log of this.logs()) if (!log.producers.state.isEmpty) removed += await log.removeExpiredProducers(expirationMs);
    return removed;
  }

  /** Compact every log with cleanup.policy compact that is dirty enough; writes cleaner-offset-checkpoint. */
  async runCleaner(): Promise<void> {
    this.checkOpen();
    let changed = false;
    for (const log of this.logs()) {
      if (!log.config.cleanupPolicy.includes('compact')) continue;
      const k = key(log.topic, log.partition);
      const result = await cleanLog(log, this.cleanerOffsets.get(k) ?? log.logStartOffset, this.now());
      if (result) {
        this.cleanerOffsets.set(k, result.firstDirtyOffset);
        changed = true;
      }
    }
    if (changed) {
      const entries = this.entries((log) => this.cleanerOffsets.get(key(log.topic, log.partition)));
      await this.checkpointLock.run(() => writeCleanerCheckpoint(this.fs, this.dataDir, entries));
    }
  }

  /** Write recovery-point, log-start-offset and replication-offset checkpoints. */
  async checkpoint(): Promise<void> {
    await this.checkpointLock.run(async () => {
      await writeOffsetCheckpoint(this.fs, path.join(this.dataDir, RECOVERY_POINT_CHECKPOINT), this.entries((l) => l.recoveryPoint));
      await writeOffsetCheckpoint(this.fs, path.join(this.dataDir, REPLICATION_OFFSET_CHECKPOINT), this.entries((l) => l.highWatermark));
    });
    await this.writeLogStartOffsets();
  }

  /** Flush every log, checkpoint, close files and leave the clean shutdown marker. */
  async close(): Promise<void> {
    if (this.closed) return;
    // Rounds of appends from here on write on this thread alone.
    if (this.ownsWriteThread) this.writeThread?.stop();
    const logs = this.logs();
    await forEachLimited(logs, LOAD_CONCURRENCY, (l) => l.flush().catch(() => {}));
    await this.checkpoint();
    await forEachLimited(logs, LOAD_CONCURRENCY, (l) => l.close());
    this.closed = true;
    // A log that went offline after a disk error needs recovery next time: no clean marker then.
    if (logs.some((l) => l.isOffline)) return;
    await this.fs.writeFileAtomic(path.join(this.dataDir, CLEAN_SHUTDOWN_FILE), Buffer.alloc(0));
  }

  /** Only logs whose start offset is above their first segment's base are listed, as in Kafka. */
  private async writeLogStartOffsets(): Promise<void> {
    await this.checkpointLock.run(async () => {
      const entries = this.entries((l) => (l.logStartOffset > l.segments[0].baseOffset ? l.logStartOffset : undefined));
      await writeOffsetCheckpoint(this.fs, path.join(this.dataDir, LOG_START_OFFSET_CHECKPOINT), entries);
    });
  }

  private entries(value: (log: PartitionLog) => bigint | undefined): PartitionOffset[] {
    const out: PartitionOffset[] = [];
    for (const log of this.logs()) {
      const offset = value(log);
      if (offset !== undefined) out.push({topic: log.topic, partition: log.partition, offset});
    }
    return out;
  }

  private checkOpen(): void {
    if (this.closed) throw new StorageError(`the log manager of ${this.dataDir} is closed`);
  }
}

function toMap(entries: PartitionOffset[]): Map<string, bigint> {
  return new Map(entries.map((e) => [key(e.topic, e.partition), e.offset]));
}
