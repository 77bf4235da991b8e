/**
 * The one module that knows Kafka's on-disk names (kafka.log.LocalLog / UnifiedLog):
 *   <topic>-<partition>/                 a partition directory
 *   <20-digit base offset>.log           segment data, .index offset index, .timeindex time index,
 *   .snapshot producer state, .txnindex aborted transactions
 *   suffixes .deleted (waiting for removal), .cleaned (compaction output), .swap (being swapped in)
 *   <topic>-<partition>.<uuid>-delete    a partition directory scheduled for deletion
 */
export const LOG_SUFFIX = '.log';
export const INDEX_SUFFIX = '.index';
export const TIME_INDEX_SUFFIX = '.timeindex';
export const SNAPSHOT_SUFFIX = '.snapshot';
export const TXN_INDEX_SUFFIX = '.txnindex';
export const DELETED_SUFFIX = '.deleted';
export const CLEANED_SUFFIX = '.cleaned';
export const SWAP_SUFFIX = '.swap';
export const DELETE_DIR_SUFFIX = '-delete';

export const RECOVERY_POINT_CHECKPOINT = 'recovery-point-offset-checkpoint';
export const LOG_START_OFFSET_CHECKPOINT = 'log-start-offset-checkpoint';
export const REPLICATION_OFFSET_CHECKPOINT = 'replication-offset-checkpoint';
export const CLEANER_OFFSET_CHECKPOINT = 'cleaner-offset-checkpoint';
export const LEADER_EPOCH_CHECKPOINT = 'leader-epoch-checkpoint';
export const PARTITION_METADATA = 'partition.metadata';
/** Kafka's clean shutdown marker (LogLoader.CleanShutdownFile). */
export const CLEAN_SHUTDOWN_FILE = '.kafka_cleanshutdown';

export type SegmentFileKind = 'log' | 'index' | 'timeindex' | 'snapshot' | 'txnindex';

const KIND_SUFFIX: Record<SegmentFileKind, string> = {
  log: LOG_SUFFIX,
  index: INDEX_SUFFIX,
  timeindex: TIME_INDEX_SUFFIX,
  snapshot: SNAPSHOT_SUFFIX,
  txnindex: TXN_INDEX_SUFFIX,
};

/** Kafka pads base offsets to 20 digits so names sort like the offsets. */
export function formatOffset(offset: bigint): string {
  if (offset < 0n) throw new RangeError(`negative offset ${offset} has no file name`);
  return offset.toString().padStart(20, '0');
}

export function segmentFileName(baseOffset: bigint, kind: SegmentFileKind, extraSuffix = ''): string {
  return formatOffset(baseOffset) + KIND_SUFFIX[kind] + extraSuffix;
}

export interface ParsedSegmentFile {
  baseOffset: bigint;
  kind: SegmentFileKind;
  /** '' or one of .deleted / .cleaned / .swap */
  extraSuffix: '' | typeof DELETED_SUFFIX | typeof CLEANED_SUFFIX | typeof SWAP_SUFFIX;
}

const SEGMENT_FILE = /^(\d{20})\.(log|index|timeindex|snapshot|txnindex)(\.deleted|\.cleaned|\.swap)?$/;

export function parseSegmentFileName(name: string): ParsedSegmentFile | undefined {
  const m = SEGMENT_FILE.exec(name);
  if (!m) return undefined;
  return {baseOffset: BigInt(m[1]), kind: m[2] as SegmentFileKind, extraSuffix: (m[3] ?? '') as ParsedSegmentFile['extraSuffix']};
}

export function logDirName(topic: string, partition: number): string {
  return `${topic}-${partition}`;
}

/** `<topic>-<partition>`; topics may contain '-', so the partition is after the last one. */
export function parseLogDirName(name: string): {topic: string; partition: number} | undefined {
  if (name.endsWith(DELETE_DIR_SUFFIX) || name.endsWith('-future') || name.endsWith('-stray')) return undefined;
  const dash = name.lastIndexOf('-');
  if (dash <= 0) return undefined;
  const part = name.slice(dash + 1);
  if (!/^\d+$/.test(part)) return undefined;
  const partition = Number(part);
  if (!Number.isSafeInteger(partition) || partition > 2147483647) return undefined;
  return {topic: name.slice(0, dash), partition};
}

/** Kafka renames a deleted partition dir to `<topic>-<partition>.<uuid without dashes>-delete`. */
export function deleteDirName(topic: string, partition: number, uniqueId: string): string {
  return `${logDirName(topic, partition)}.${uniqueId}${DELETE_DIR_SUFFIX}`;
}

export function isDeleteDirName(name: string): boolean {
  return /\.[0-9a-f]{32}-delete$/.test(name);
}
