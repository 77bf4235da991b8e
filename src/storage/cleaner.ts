/**
 * Log compaction for cleanup.policy=compact (Kafka's LogCleaner, one log at a time):
 * 1. The cleanable range ends at the first segment that is active, not yet fsynced, or younger
 *    than min.compaction.lag.ms; nothing happens unless dirty bytes / cleanable bytes reach
 *    min.cleanable.dirty.ratio.
 * 2. An offset map key -> last offset is built from the dirty part (from the cleaner checkpoint).
 * 3. Every cleanable segment is rewritten keeping, per key, only the record at the map's offset
 *    (or any record of a key the dirty part does not contain); keyless records are dropped, and
 *    tombstones (null value) once their timestamp is older than delete.retention.ms.
 *    Batches keep their base offset, last offset delta, producer id/epoch/sequence, transactional
 *    and control flags and compression; untouched batches are copied byte for byte; control
 *    batches (transaction markers) are kept as they are.
 * 4. Swap: `<base>.log.cleaned` (fsynced) -> `.log.swap`, old indexes removed, `.swap` renamed
 *    over `.log`; recovery finishes an interrupted swap, and the indexes are rebuilt.
 * The cleaned-up-to offset is kept in `cleaner-offset-checkpoint`.
 */
import * as path from 'node:path';
import {ATTR_TIMESTAMP_TYPE, compressionOf, isControl, isTransactional} from '../records/batch-header.js';
import {decodeBatch, encodeBatch} from '../records/batch.js';
import type {KafkaRecord} from '../records/record.js';
import {type PartitionOffset, readOffsetCheckpoint, writeOffsetCheckpoint} from './checkpoints.js';
import {CLEANED_SUFFIX, CLEANER_OFFSET_CHECKPOINT, SWAP_SUFFIX} from './filenames.js';
import type {FileSystem} from './fs.js';
import type {PartitionLog} from './partition-log.js';
import {segmentOptionsOf} from './log-config.js';
import {LogSegment} from './segment.js';

export interface CleanResult {
  /** Offset up to which the log is now clean (the next run's dirty start). */
  firstDirtyOffset: bigint;
  segmentsCleaned: number;
  recordsRemoved: number;
  bytesBefore: number;
  bytesAfter: number;
}

export async function readCleanerCheckpoint(fs: FileSystem, dataDir: string): Promise<PartitionOffset[]> {
  return readOffsetCheckpoint(fs, path.join(dataDir, CLEANER_OFFSET_CHECKPOINT));
}

export async function writeCleanerCheckpoint(fs: FileSystem, dataDir: string, entries: PartitionOffset[]): Promise<void> {
  await writeOffsetCheckpoint(fs, path.join(dataDir, CLEANER_OFFSET_CHECKPOINT), entries);
}

/** Compact `log` if it is dirty enough; undefined when there was nothing to do. */
export async function cleanLog(log: PartitionLog, cleanedUpTo: bigint, nowMs: number): Promise<CleanResult | undefined> {
  const cleanable = await cleanableSegments(log, nowMs);
  if (cleanable.length === 0) return undefined;
  const firstUncleanable = nextBaseOf(log, cleanable[cleanable.length - 1]);
  const firstDirty = cleanedUpTo > log.logStartOffset ? cleanedUpTo : log.logStartOffset;
  if (firstDirty >= firstUncleanable) return undefined;

  let cleanBytes = 0;
  let dirtyBytes = 0;
  for (const s of cleanable) {
    if (nextBaseOf(log, s) <= firstDirty) cleanBytes += s.size;
    else dirtyBytes += s.size;
  }
  if (dirtyBytes === 0 || dirtyBytes / (cleanBytes + dirtyBytes) < log.config.minCleanableDirtyRatio) return undefined;

  const offsetMap = await buildOffsetMap(cleanable.filter((s) => nextBaseOf(log, s) > firstDirty), firstDirty);
  const tombstoneHorizon = BigInt(nowMs - log.config.deleteRetentionMs);
  const result: CleanResult = {firstDirtyOffset: firstUncleanable, segmentsCleaned: 0, recordsRemoved: 0, bytesBefore: 0, bytesAfter: 0};
  for (const segment of cleanable) {
    await log.exclusive(async () => {
      if (!log.segments.includes(segment) || segment === log.activeSegment) return;
      const {data, removed} = await rewriteSegment(segment, offsetMap, tombstoneHorizon);
      result.bytesBefore += segment.size;
      result.bytesAfter += data.length;
      result.recordsRemoved += removed;
      if (removed === 0) return;
      const fresh = await swapIn(log, segment, data);
      log.swapSegment(segment, fresh);
      result.segmentsCleaned++;
    });
  }
  return result;
}

/** Closed, fsynced segments old enough for min.compaction.lag.ms, from the start of the log. */
async function cleanableSegments(log: PartitionLog, nowMs: number): Promise<LogSegment[]> {
  const out: LogSegment[] = [];
  const segments = log.segments;
  for (let i = 0; i < segments.length - 1; i++) {
    const s = segments[i];
    if (segments[i + 1].baseOffset > log.recoveryPoint) break;
    const {timestamp} = await s.largestTimestamp();
    if (log.config.minCompactionLagMs > 0 && timestamp >= 0n && BigInt(nowMs) - timestamp < BigInt(log.config.minCompactionLagMs)) break;
    out.push(s);
  }
  return out;
}

function nextBaseOf(log: PartitionLog, segment: LogSegment): bigint {
  const i = log.segments.indexOf(segment);
  return log.segments[i + 1].baseOffset;
}

const keyOf = (key: Buffer) => key.toString('latin1');

async function buildOffsetMap(segments: LogSegment[], firstDirty: bigint): Promise<Map<string, bigint>> {
  const map = new Map<string, bigint>();
  for (const segment of segments) {
    for (const {records, control} of await decodeSegment(segment)) {
      if (control) continue;
      for (const r of records) if (r.key && r.offset >= firstDirty) map.set(keyOf(r.key), r.offset);
    }
  }
  return map;
}

interface DecodedEntry {
  bytes: Buffer;
  records: KafkaRecord[];
  control: boolean;
  header: Awaited<ReturnType<typeof decodeBatch>>['header'];
}

async function decodeSegment(segment: LogSegment): Promise<DecodedEntry[]> {
  const out: DecodedEntry[] = [];
  for (const b of await segment.batches()) {
    const bytes = await segment.readBytes(b.position, b.size);
    if (b.header.magic < 2) throw new Error(`segment ${segment.baseOffset} holds magic ${b.header.magic} messages, which kstream does not compact`);
    const decoded = await decodeBatch(bytes);
    out.push({bytes, records: decoded.records, control: isControl(b.header.attributes), header: decoded.header});
  }
  return out;
}

async function rewriteSegment(segment: LogSegment, offsetMap: Map<string, bigint>, tombstoneHorizon: bigint): Promise<{data: Buffer; removed: number}> {
  const parts: Buffer[] = [];
  let removed = 0;
  for (const entry of await decodeSegment(segment)) {
    if (entry.control) {
      parts.push(entry.bytes);
      continue;
    }
    const kept = entry.records.filter((r) => {
      if (!r.key) return false;
      const latest = offsetMap.get(keyOf(r.key));
      if (latest !== undefined && r.offset < latest) return false;
      return r.value !== null || r.timestamp > tombstoneHorizon;
    });
    removed += entry.records.length - kept.length;
    if (kept.length === entry.records.length) parts.push(entry.bytes);
    else if (kept.length > 0) parts.push(await reencode(entry, kept));
  }
  return {data: Buffer.concat(parts), removed};
}

function reencode(entry: DecodedEntry, kept: KafkaRecord[]): Promise<Buffer> {
  const h = entry.header;
  return encodeBatch({
    records: kept.map((r) => ({key: r.key, value: r.value, headers: r.headers, timestamp: r.timestamp, offsetDelta: Number(r.offset - h.baseOffset)})),
    baseOffset: h.baseOffset,
    compression: compressionOf(h.attributes),
    producerId: h.producerId,
    producerEpoch: h.producerEpoch,
    baseSequence: h.baseSequence,
    transactional: isTransactional(h.attributes),
    control: false,
    partitionLeaderEpoch: h.partitionLeaderEpoch,
    timestampType: (h.attributes & ATTR_TIMESTAMP_TYPE) !== 0 ? 'append' : 'create',
    lastOffsetDelta: h.lastOffsetDelta,
  });
}

async function swapIn(log: PartitionLog, old: LogSegment, data: Buffer): Promise<LogSegment> {
  const fs = log.fileSystem;
  const cleaned = old.filePath('log', CLEANED_SUFFIX);
  const swap = old.filePath('log', SWAP_SUFFIX);
  const handle = await fs.open(cleaned, {create: true});
  try {
    await handle.truncate(0);
    await handle.write(data, 0);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.rename(cleaned, swap);
  // Old indexes go before the swap completes: a crash now leaves `.log.swap`, which recovery
  // renames into place, and the indexes are rebuilt from the new log.
  await fs.unlink(old.filePath('index')).catch(() => {});
  await fs.unlink(old.filePath('timeindex')).catch(() => {});
  await fs.rename(swap, old.filePath('log'));
  await fs.syncDir(log.dir);
  const fresh = await LogSegment.open(fs, log.dir, old.baseOffset, segmentOptionsOf(log.config));
  await fresh.loadIndexes();
  await fresh.flush(true);
  return fresh;
}
