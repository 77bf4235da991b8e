/**
 * Per-partition storage settings, Kafka's topic configs in camelCase (the broker's config table
 * maps `segment.bytes` etc. onto these). Defaults are Kafka's, the flush policy included.
 *
 * Flush policy: by default (flush.messages and flush.ms "never", as in Kafka) an append is
 * acknowledged once its bytes are written to the segment file, i.e. in the page cache: that
 * survives kill -9 or a crash of the broker process, but not a power cut or kernel crash. Segments
 * are fsynced when they roll, on clean shutdown, and by the broker's periodic flush before each
 * recovery-point checkpoint. flush.messages=1 fsyncs every append before acknowledging it, with
 * group commit: appends that arrive while an fsync runs share the next one, so a busy partition
 * pays one fsync per round, not per request.
 */
import type {SegmentOptions} from './segment.js';

export interface LogConfig {
  segmentBytes: number;
  segmentMs: number;
  segmentIndexBytes: number;
  indexIntervalBytes: number;
  retentionMs: number;
  retentionBytes: number;
  cleanupPolicy: Array<'delete' | 'compact'>;
  deleteRetentionMs: number;
  minCompactionLagMs: number;
  minCleanableDirtyRatio: number;
  flushMessages: number;
  flushMs: number;
  messageTimestampType: 'CreateTime' | 'LogAppendTime';
  maxMessageBytes: number;
  fileDeleteDelayMs: number;
  preallocate: boolean;
}

/** Kafka uses Long.MAX_VALUE for "never"; this is the closest safe JS number. */
export const NEVER_MS = Number.MAX_SAFE_INTEGER;

export const DEFAULT_LOG_CONFIG: Readonly<LogConfig> = Object.freeze({
  segmentBytes: 1024 * 1024 * 1024,
  segmentMs: 7 * 24 * 60 * 60 * 1000,
  segmentIndexBytes: 10 * 1024 * 1024,
  indexIntervalBytes: 4096,
  retentionMs: 7 * 24 * 60 * 60 * 1000,
  retentionBytes: -1,
  cleanupPolicy: ['delete'] as Array<'delete' | 'compact'>,
  deleteRetentionMs: 24 * 60 * 60 * 1000,
  minCompactionLagMs: 0,
  minCleanableDirtyRatio: 0.5,
  flushMessages: NEVER_MS,
  flushMs: NEVER_MS,
  messageTimestampType: 'CreateTime' as const,
  maxMessageBytes: 1048588,
  fileDeleteDelayMs: 60000,
  preallocate: false,
});

/** Resolved configs by base, then by overrides object (undefined overrides: by base alone). */
const resolved = new WeakMap<Readonly<LogConfig>, {plain?: LogConfig; by: WeakMap<Partial<LogConfig>, LogConfig>}>();

/**
 * Merge overrides onto a base config, rejecting values Kafka would reject. The result is frozen and
 * shared: the same base and overrides objects give the same config, so all partitions of a topic
 * hold one object and what is derived from it once (the Produce policy) is derived once per topic.
 */
export function resolveLogConfig(base: Readonly<LogConfig>, overrides?: Partial<LogConfig>): LogConfig {
  let entry = resolved.get(base);
  if (!entry) resolved.set(base, (entry = {by: new WeakMap()}));
  let config = overrides === undefined ? entry.plain : entry.by.get(overrides);
  if (config) return config;
  config = mergeLogConfig(base, overrides ?? {});
  if (overrides === undefined) entry.plain = config;
  else entry.by.set(overrides, config);
  return config;
}

function mergeLogConfig(base: Readonly<LogConfig>, overrides: Partial<LogConfig>): LogConfig {
  const config: LogConfig = {...base, ...stripUndefined(overrides)};
  config.cleanupPolicy = [...config.cleanupPolicy];
  const atLeast = (name: keyof LogConfig, value: number, min: number) => {
    if (!Number.isFinite(value) || value < min) throw new RangeError(`invalid log config ${name}=${value}: must be at least ${min}`);
  };
  atLeast('segmentBytes', config.segmentBytes, 14);
  atLeast('segmentMs', config.segmentMs, 1);
  atLeast('segmentIndexBytes', config.segmentIndexBytes, 12);
  atLeast('indexIntervalBytes', config.indexIntervalBytes, 0);
  atLeast('flushMessages', config.flushMessages, 1);
  atLeast('flushMs', config.flushMs, 0);
  atLeast('deleteRetentionMs', config.deleteRetentionMs, 0);
  atLeast('minCompactionLagMs', config.minCompactionLagMs, 0);
  atLeast('fileDeleteDelayMs', config.fileDeleteDelayMs, 0);
  if (!(config.minCleanableDirtyRatio >= 0 && config.minCleanableDirtyRatio <= 1)) {
    throw new RangeError(`invalid log config minCleanableDirtyRatio=${config.minCleanableDirtyRatio}: must be between 0 and 1`);
  }
  for (const p of config.cleanupPolicy) {
    if (p !== 'delete' && p !== 'compact') throw new RangeError(`invalid cleanup policy "${String(p)}": use delete and/or compact`);
  }
  Object.freeze(config.cleanupPolicy);
  return Object.freeze(config);
}

function stripUndefined<T extends object>(obj: T): Partial<T> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The part of a log's config each of its segments uses. */
export function segmentOptionsOf(config: LogConfig): SegmentOptions {
  return {
    maxIndexSize: config.segmentIndexBytes,
    indexIntervalBytes: config.indexIntervalBytes,
    preallocateBytes: config.preallocate ? config.segmentBytes : undefined,
  };
}
