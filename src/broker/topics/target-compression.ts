/**
 * The codec a topic stores produced batches in: its compression.type (falling back to the broker's)
 * with its compression.{gzip,zstd}.level, or null for `producer`. The one place the Produce
 * handler decides it, for v2 batches (records/recompress.ts) and converted legacy message sets.
 */
import type {LogConfig} from '../../storage/log-config.js';
import {type TargetCompression, targetCompression} from '../../records/recompress.js';
import {type BrokerSources, topicConfigValue} from '../config/index.js';

/**
 * Keyed by the log's LogConfig, as record-checks.ts is: a partition's log gets a new LogConfig on
 * every change of its topic's or the broker's configs, so an entry never goes stale, and the
 * common Produce pays one WeakMap lookup.
 */
const cache = new WeakMap<LogConfig, TargetCompression | null>();

interface TopicConfigs {
  get(name: string): {configs: Record<string, string>} | undefined;
}

/** The target codec of a log of `topic` running with `config`; null keeps the producer's. */
export function targetCompressionOf(config: LogConfig, topic: string, topics: TopicConfigs, broker: BrokerSources): TargetCompression | null {
  let target = cache.get(config);
  if (target === undefined) {
    const overrides = topics.get(topic)?.configs ?? {};
    const value = (name: string): string => topicConfigValue(name, overrides, broker)!.trim();
    target = targetCompression(value('compression.type'), {
      gzip: Number(value('compression.gzip.level')),
      zstd: Number(value('compression.zstd.level')),
    });
    cache.set(config, target);
  }
  return target;
}
