/**
 * startBroker: the embedded single-node Kafka broker. Opens (or creates) the data dir with
 * meta.properties, loads the logs (recovering after a crash), the topic catalogue, binds the
 * listener and schedules retention, compaction and checkpoints. stop() closes connections,
 * flushes and closes the segments, so the next start needs no recovery.
 */
import {constants as fsConstants, promises as fsp} from 'node:fs';
import os from 'node:os';
import {KstreamError} from '../output/errors.js';
import type {FileSystem} from '../storage/fs.js';
import {forEachLimited} from '../storage/limiter.js';
import {LogManager} from '../storage/log-manager.js';
import {DynamicBrokerConfigState} from './config/dynamic-state.js';
import {type BrokerConfig, resolveBrokerConfig} from './config/index.js';
import {defaultDataDir, lockDataDir} from './data-dir.js';
import {oneLine} from './log-line.js';
import {RequestDispatcher} from './dispatch.js';
import {FetchSessionCache} from './fetch/fetch-session.js';
import {GroupCoordinator, groupCoordinatorConfig} from './groups/coordinator.js';
import {TopicOffsetsLog} from './groups/offsets-log.js';
import {brokerServices} from './handler.js';
import {HANDLERS} from './handlers/index.js';
import {Maintenance, type ScheduledTask} from './maintenance.js';
import {loadOrCreateMeta} from './meta-properties.js';
import {HandlerRegistry} from './registry.js';
import {KafkaServer} from './server.js';
import {TopicManager} from './topics/topic-manager.js';
import {primeAllocator} from './allocator-priming.js';
import {primeFrameBuffers} from './framing.js';
import {warmUpCodec} from '../protocol/warm-up.js';
import {type WarmUpResult, warmUpPaths} from './path-warm-up.js';
import {readBuffers} from '../storage/read-buffers.js';
import {primeArenas} from '../storage/read-arena.js';
import {primeTailBlocks} from '../storage/tail-cache.js';

export interface BrokerOptions {
  /** Default: the user's data dir (~/.local/share/kstream/data). */
  dataDir?: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 9092; 0 picks any free port. */
  port?: number;
  /** Host and port put in Metadata responses; default: the listen address. */
  advertisedHost?: string;
  advertisedPort?: number;
  /** Kafka broker configs by name (e.g. {"num.partitions": "3"}). */
  config?: Record<string, string>;
  /** Where the broker's log lines go; default stderr. */
  log?: (line: string) => void;
  /** The file system the logs use; default Node's (tests pass one that injects faults or holds operations). */
  fs?: FileSystem;
  /**
   * Run the Produce and Fetch paths over a topic of its own in a temporary directory, in the
   * background after start, so that a client's first large requests find them compiled
   * (path-warm-up.ts; 2-3 s, about 3 s of CPU). Default false; `kstream broker start` turns it on.
   */
  warmUp?: boolean;
}

export interface Broker {
  host: string;
  port: number;
  nodeId: number;
  clusterId: string;
  dataDir: string;
  logManager: LogManager;
  topics: TopicManager;
  /** The dynamic broker configs (AlterConfigs on BROKER resources) and the current config. */
  brokerConfigs: DynamicBrokerConfigState;
  /** With the warmUp option: resolves once the warm-up has finished, or stopped with the broker (never rejects). */
  warmedUp?: Promise<WarmUpResult>;
  /** Resolves once the buffers made ready at start are in their pools (for tests that count the pools' takes). */
  primed: Promise<void>;
  stop(): Promise<void>;
}

/** Kafka's max.incremental.fetch.session.cache.slots and min.incremental.fetch.session.eviction.ms. */
const FETCH_SESSION_SLOTS = 1000;
const FETCH_SESSION_EVICTION_MS = 120_000;
/** Bytes of each pool of the Fetch path made ready at start (twice that of tail blocks). */
export const PRIMED_BYTES = 8 * 1024 * 1024;

export async function startBroker(options: BrokerOptions = {}): Promise<Broker> {
  // Not awaited: they run on the threadpool while the broker starts (allocator-priming.ts,
  // BufferPool.prime). A Produce to 10,000 partitions takes 10 MB of tail blocks (and a 2 MiB
  // frame), and a Fetch of their 10,000 small record sets ~5 MB of arenas and as much of response chunks.
  void primeAllocator();
  const primed = primeTailBlocks(2 * PRIMED_BYTES).then(() => primeArenas(PRIMED_BYTES)).then(() => readBuffers.prime(PRIMED_BYTES))
    .then(() => primeFrameBuffers());
  const sink = options.log ?? ((line: string) => process.stderr.write(`[kstream broker] ${line}\n`));
  // DEBUG=kstream* keeps lines raw: there the stack of an unexpected failure is meant to span lines.
  const log = process.env.DEBUG && /kstream/.test(process.env.DEBUG) ? sink : (line: string) => sink(oneLine(line));
  const overrides = options.config ?? {};
  // Static configs are checked before the data dir is touched; the dynamic ones stored there go over them.
  let config = resolveBrokerConfig(overrides);
  const dataDir = options.dataDir ?? defaultDataDir();
  try {
    await fsp.mkdir(dataDir, {recursive: true});
    await fsp.access(dataDir, fsConstants.W_OK);
  } catch (err) {
    throw new KstreamError(`cannot use data dir ${dataDir}: ${(err as Error).message}`, {hint: 'Choose another one with --data-dir'});
  }
  const lock = await lockDataDir(dataDir);
  const cleanup: (() => Promise<void>)[] = [() => lock.release()];
  try {
    const explicitId = overrides['node.id'] ?? overrides['broker.id'];
    const meta = await loadOrCreateMeta(dataDir, config.nodeId, explicitId === undefined ? undefined : Number(explicitId));
    const brokerConfigs = await DynamicBrokerConfigState.open({dataDir, nodeId: meta.nodeId, overrides, log});
    config = brokerConfigs.config;
    const logManager = await LogManager.open({dataDir, defaultConfig: config.logDefaults, fs: options.fs});
    cleanup.unshift(() => logManager.close());
    const topics = await TopicManager.open({dataDir, logs: logManager, config, log});
    cleanup.unshift(() => topics.close());
    const groups = new GroupCoordinator({
      log: new TopicOffsetsLog(topics, () => config),
      config: () => groupCoordinatorConfig(config),
      logger: log,
    });
    await groups.startup();
    cleanup.unshift(() => groups.shutdown());
    const host = options.host ?? '127.0.0.1';
    const closing = new AbortController();
    const registry = new HandlerRegistry(HANDLERS);
    const services = brokerServices({
      nodeId: meta.nodeId,
      clusterId: meta.clusterId,
      host: options.advertisedHost ?? advertisableHost(host),
      port: options.advertisedPort ?? options.port ?? 9092,
      config,
      brokerConfigs,
      topics,
      logs: logManager,
      groups,
      fetchSessions: new FetchSessionCache({maxSlots: FETCH_SESSION_SLOTS, evictionMs: FETCH_SESSION_EVICTION_MS, now: Date.now}),
      apiVersions: () => registry.apiVersions(),
      now: Date.now,
      log,
      closing: closing.signal,
    });
    const dispatcher = new RequestDispatcher(registry, services);
    const server = await KafkaServer.listen({
      host,
      port: options.port ?? 9092,
      maxRequestBytes: config.socketRequestMaxBytes,
      idleTimeoutMs: config.connectionsMaxIdleMs,
      dispatcher,
      log,
    });
    if (options.advertisedPort === undefined) services.port = server.port;
    // Not awaited: the codec warms up in the background, one step per turn (protocol/warm-up.ts).
    void warmUpCodec();
    // The CLI's broker runs its Produce and Fetch paths once in the background (path-warm-up.ts).
    const pathWarmUp = options.warmUp ? warmUpPaths(registry, services) : undefined;
    void pathWarmUp?.done.then(({errors}) => {
      if (errors.length > 0) log(`warm-up of the Produce and Fetch paths stopped: ${errors.slice(0, 3).join('; ')}`);
    });
    const {maintenance, cleaner} = startMaintenance(logManager, () => config, log);
    // A dynamic broker config applies at once: requests see the new config, every log without
    // a topic override gets the new defaults, and the background jobs their new intervals.
    brokerConfigs.onChange((next, previous) => {
      config = next;
      services.config = next;
      topics.updateBrokerConfig(next);
      if (next.logCleanerBackoffMs !== previous.logCleanerBackoffMs) cleaner?.reschedule(next.logCleanerBackoffMs);
    });
    let stopping: Promise<void> | undefined;
    return {
      host,
      port: server.port,
      nodeId: meta.nodeId,
      clusterId: meta.clusterId,
      dataDir,
      logManager,
      topics,
      brokerConfigs,
      ...(pathWarmUp ? {warmedUp: pathWarmUp.done} : {}),
      primed,
      stop: () => {
        stopping ??= (async () => {
          // Long polls end at once; requests in flight (appends) finish before the logs close.
          closing.abort();
          await server.close();
          await pathWarmUp?.stop();
          // Partitions still queued for creation are created on the next start; requests waiting
          // for one are released.
          await topics.close();
          await dispatcher.idle();
          await groups.shutdown();
          await maintenance.stop();
          await logManager.close();
          await lock.release();
        })();
        return stopping;
      },
    };
  } catch (err) {
    for (const step of cleanup) await step().catch(() => undefined);
    throw err;
  }
}

/** The background jobs; `config` is read at each run, so dynamic changes reach them. */
function startMaintenance(logManager: LogManager, config: () => BrokerConfig, log: (line: string) => void): {maintenance: Maintenance; cleaner?: ScheduledTask} {
  const maintenance = new Maintenance(log);
  const initial = config();
  maintenance.schedule({name: 'log retention', intervalMs: initial.logRetentionCheckIntervalMs, run: () => logManager.runRetention()});
  const cleaner = initial.logCleanerEnable
    ? maintenance.schedule({name: 'log cleaner', intervalMs: initial.logCleanerBackoffMs, run: () => logManager.runCleaner()})
    : undefined;
  // Kafka's PeriodicProducerExpirationCheck; producer.id.expiration.ms is dynamic.
  maintenance.schedule({name: 'producer id expiration', intervalMs: initial.producerIdExpirationCheckIntervalMs,
    run: async () => {
      await logManager.removeExpiredProducers(config().producerIdExpirationMs);
    }});
  maintenance.schedule({name: 'checkpoint', intervalMs: initial.logFlushOffsetCheckpointIntervalMs, run: async () => {
    // Not Kafka's (it leaves this to the OS): fsync what was written since the last round, two
    // partitions at a time, so the recovery point moves on and a restart after a crash rescans
    // at most one interval of writes instead of whole active segments.
    await forEachLimited(logManager.logs().filter((l) => l.hasUnflushed), 2, (l) => l.flush().catch(() => {}));
    await logManager.checkpoint();
  }});
  return {maintenance, cleaner};
}

/** A wildcard listen address is not something a client can connect to: advertise the host name. */
function advertisableHost(host: string): string {
  return host === '0.0.0.0' || host === '::' || host === '' ? os.hostname() : host;
}
