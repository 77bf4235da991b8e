/**
 * Loading a partition directory (Kafka's LogLoader): finish or discard interrupted operations
 * (.swap files are completed, .cleaned and .deleted files removed), open the segments, and after
 * an unclean shutdown recover only the batches from the recovery point onward (the segment holding
 * it from that batch, the later ones whole): validate every batch, truncate a torn tail, rebuild
 * the indexes of what was scanned, drop segments after a corruption.
 * After a clean shutdown nothing is scanned except the tail of the active segment after its last
 * index entry (to learn the log end offset).
 */
import * as path from 'node:path';
import {CLEANED_SUFFIX, DELETED_SUFFIX, SWAP_SUFFIX, parseSegmentFileName, segmentFileName} from './filenames.js';
import type {FileSystem} from './fs.js';
import {LogSegment, type SegmentOptions} from './segment.js';
import {segmentIndexFor} from './segment-search.js';

export interface LoadOptions {
  segmentOptions: SegmentOptions;
  /** From recovery-point-offset-checkpoint; undefined = scan everything. */
  recoveryPoint: bigint | undefined;
  hadCleanShutdown: boolean;
  /** Base offset for the first segment of an empty directory. */
  logStartOffset: bigint;
  now: number;
}

export interface LoadResult {
  segments: LogSegment[];
  logEndOffset: bigint;
  /** How many segments were scanned batch by batch. */
  recoveredSegments: number;
  truncatedBytes: number;
  /** Offsets of the producer-state `.snapshot` files, ascending (seen while listing the directory anyway). */
  snapshotOffsets: bigint[];
}

export async function loadSegments(fs: FileSystem, dir: string, options: LoadOptions): Promise<LoadResult> {
  const {bases, snapshotOffsets} = await cleanDirectory(fs, dir);
  const segments: LogSegment[] = [];
  try {
    for (const base of bases) segments.push(await LogSegment.open(fs, dir, base, options.segmentOptions));
    if (segments.length === 0) {
      segments.push(await LogSegment.create(fs, dir, options.logStartOffset, options.segmentOptions, options.now));
    }
    let recoveredSegments = 0;
    let truncatedBytes = 0;
    if (!options.hadCleanShutdown) {
      const rp = options.recoveryPoint ?? -1n;
      const first = segmentIndexFor(segments, rp);
      for (let i = first; i < segments.length; i++) {
        const last = i === segments.length - 1;
        // Only the segment holding the recovery point can start part-way: what precedes it is fsynced.
        const result = i === first && rp > segments[i].baseOffset ? await segments[i].recoverFrom(rp, last) : await segments[i].recover(last);
        recoveredSegments++;
        truncatedBytes += result.truncatedBytes;
        if (result.truncatedBytes > 0 && i + 1 < segments.length) {
          // Data after a corruption cannot be trusted to follow on (Kafka deletes it too).
          for (const later of segments.splice(i + 1)) {
            truncatedBytes += later.size;
            await later.close();
            await later.deleteFiles('');
          }
        }
        // Recovered data may only be in the page cache: make it durable before the recovery
        // point moves past it.
        await segments[i].flush(true);
      }
    }
    const logEndOffset = await segments[segments.length - 1].activate();
    return {segments, logEndOffset, recoveredSegments, truncatedBytes, snapshotOffsets};
  } catch (err) {
    await Promise.all(segments.map((s) => s.close().catch(() => {})));
    throw err;
  }
}

/**
 * Remove leftovers and complete swaps; returns the base offsets of the `.log` files and the
 * offsets of the `.snapshot` files, sorted.
 * A `.swap` segment is a finished compaction output: it replaces the segment of the same base.
 */
async function cleanDirectory(fs: FileSystem, dir: string): Promise<{bases: bigint[]; snapshotOffsets: bigint[]}> {
  const entries = await fs.readdir(dir);
  const swaps = new Set<string>();
  for (const e of entries) {
    if (e.isDirectory) continue;
    const parsed = parseSegmentFileName(e.name);
    if (e.name.endsWith('.tmp')) {
      await fs.unlink(path.join(dir, e.name));
    } else if (parsed?.extraSuffix === DELETED_SUFFIX || parsed?.extraSuffix === CLEANED_SUFFIX) {
      await fs.unlink(path.join(dir, e.name));
    } else if (parsed?.extraSuffix === SWAP_SUFFIX) {
      swaps.add(e.name);
    }
  }
  const swapLogs = new Set([...swaps].map((n) => parseSegmentFileName(n)!).filter((p) => p.kind === 'log').map((p) => p.baseOffset));
  for (const base of swapLogs) {
    // Log last: a `.log.swap` present means its indexes may still be waiting too.
    for (const kind of ['index', 'timeindex', 'log'] as const) {
      const swapName = segmentFileName(base, kind, SWAP_SUFFIX);
      const target = path.join(dir, segmentFileName(base, kind));
      if (swaps.has(swapName)) await fs.rename(path.join(dir, swapName), target);
      else if (kind !== 'log') await fs.unlink(target).catch(() => {});
    }
  }
  // Index swaps without their log belong to a swap that already completed its log rename.
  for (const name of swaps) {
    if (!swapLogs.has(parseSegmentFileName(name)!.baseOffset)) await fs.unlink(path.join(dir, name)).catch(() => {});
  }
  const after = await fs.readdir(dir);
  const logs = new Set<bigint>();
  const snapshots: bigint[] = [];
  for (const e of after) {
    const parsed = parseSegmentFileName(e.name);
    if (parsed?.extraSuffix === '' && parsed.kind === 'log') logs.add(parsed.baseOffset);
    if (parsed?.extraSuffix === '' && parsed.kind === 'snapshot') snapshots.push(parsed.baseOffset);
  }
  // Index files without a log segment are orphans (Kafka deletes them on load).
  for (const e of after) {
    const parsed = parseSegmentFileName(e.name);
    if (parsed?.extraSuffix === '' && (parsed.kind === 'index' || parsed.kind === 'timeindex') && !logs.has(parsed.baseOffset)) {
      await fs.unlink(path.join(dir, e.name));
    }
  }
  const ascending = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);
  return {bases: [...logs].sort(ascending), snapshotOffsets: snapshots.sort(ascending)};
}
