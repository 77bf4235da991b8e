/**
 * The codec a topic stores produced batches in: its compression.type (falling back to the broker's)
 * with its compression.{gzip,zstd}.level, or null for `producer`. The one place the Produce
 * handler decides it, for v2 batches (records/recompress.ts) and converted legacy message sets.
 */
import {type TargetCompression, targetCompression} from '../../records/recompress.js';
import {type BrokerSources, topicConfigValue} from '../config/index.js';

/** The target codec for a topic with `overrides`; null keeps the producer's. */
export function resolveTargetCompression(overrides: Record<string, string>, broker: BrokerSources): TargetCompression | null {
  const value = (name: string): string => topicConfigValue(name, overrides, broker)!.trim();
  return targetCompression(value('compression.type'), {
    gzip: Number(value('compression.gzip.level')),
    zstd: Number(value('compression.zstd.level')),
  });
}
