/**
 * Dumps of .index and .timeindex files (Kafka's dumpIndex / dumpTimeIndex): entries are printed
 * and checked against the sibling .log (and, for the time index, located through the sibling
 * .index). Where Kafka would stop with an exception (an entry pointing past the end of the log, no
 * batch at an indexed position) the entry is reported as a mismatch with log offset -1 and the
 * dump goes on.
 */
import {existsSync} from 'node:fs';
import {dirname, join, resolve} from 'node:path';
import {decodeBatch} from '../../records/batch.js';
import {BatchScanner, type ScannedBatch} from './batch-scanner.js';
import {ChunkedFile} from './chunked-file.js';
import type {DumpSink} from './events.js';
import {
  loadOffsetIndex, lookupOffset, offsetIndexEntries, offsetIndexSanityError, timeIndexEntries, timeIndexSanityError,
} from './index-files.js';
import {legacyRecords} from './legacy-records.js';
import type {ResolvedOptions} from './options.js';
import type {DumpSummary} from './summary.js';

export interface IndexDumpContext { options: ResolvedOptions; sink: DumpSink; summary: DumpSummary }

function sibling(file: string, baseName: string, suffix: string): string {
  return join(dirname(resolve(file)), baseName + suffix);
}

async function openIfExists(path: string): Promise<ChunkedFile | undefined> {
  return existsSync(path) ? ChunkedFile.open(path) : undefined;
}

function lastOffsetOf(b: ScannedBatch): bigint {
  if (b.magic >= 2 && b.buf.length >= 27) return b.buf.readBigInt64BE(0) + BigInt(b.buf.readInt32BE(23));
  return b.buf.readBigInt64BE(0);
}

/** Last offset of the first whole batch within [position, position + maxMessageSize), or -1n. */
async function firstBatchLastOffset(log: ChunkedFile, position: number, maxMessageSize: number): Promise<bigint> {
  if (position < 0 || position > log.size) return -1n;
  const scanner = new BatchScanner(log, position, Math.min(log.size, position + maxMessageSize), 64 * 1024);
  for await (const b of scanner.batches()) return lastOffsetOf(b);
  return -1n;
}

export async function dumpOffsetIndex(file: string, baseName: string, baseOffset: bigint, ctx: IndexDumpContext): Promise<void> {
  const {sink, options, summary} = ctx;
  const absPath = resolve(file);
  const index = await ChunkedFile.open(file);
  const logPath = sibling(file, baseName, '.log');
  const log = await openIfExists(logPath);
  try {
    if (index.size < 8) {
      sink.emit({type: 'index-empty', file});
      return;
    }
    if (options.indexSanityCheck) {
      const error = await offsetIndexSanityError(index, absPath, baseOffset);
      sink.emit(error ? {type: 'error', file, message: error} : {type: 'sanity-check-passed', file});
      return;
    }
    if (!log) sink.emit({type: 'error', file, message: `Cannot verify ${file}: ${logPath} does not exist`});
    let i = 0;
    for await (const entry of offsetIndexEntries(index, baseOffset)) {
      // A sparse, preallocated index ends in zero entries: stop at the first one.
      if (entry.offset === baseOffset && i > 0) break;
      i++;
      if (log) {
        const logOffset = await firstBatchLastOffset(log, entry.position, options.maxMessageSize);
        if (logOffset !== entry.offset) summary.indexMismatch(absPath, entry.offset, logOffset);
      }
      if (!options.verifyIndexOnly) sink.emit({type: 'index-entry', offset: entry.offset, position: entry.position});
      if (i % 1024 === 0) await sink.drain();
    }
  } finally {
    await index.close();
    await log?.close();
  }
}

async function maxRecordTimestamp(b: ScannedBatch): Promise<bigint> {
  const records = b.magic >= 2 ? (await decodeBatch(b.buf, 0, {verifyCrc: false})).records : await legacyRecords(b.buf);
  let max = -1n;
  for (const r of records) if (r.timestamp > max) max = r.timestamp;
  return max;
}

export async function dumpTimeIndex(file: string, baseName: string, baseOffset: bigint, ctx: IndexDumpContext): Promise<void> {
  const {sink, options, summary} = ctx;
  const absPath = resolve(file);
  const timeIndex = await ChunkedFile.open(file);
  const logPath = sibling(file, baseName, '.log');
  const indexPath = sibling(file, baseName, '.index');
  const log = await openIfExists(logPath);
  const index = await openIfExists(indexPath);
  try {
    if (options.indexSanityCheck) {
      const error = await timeIndexSanityError(timeIndex, absPath, baseOffset);
      sink.emit(error ? {type: 'error', file, message: error} : {type: 'sanity-check-passed', file});
      return;
    }
    if (!log) sink.emit({type: 'error', file, message: `Cannot verify ${file}: ${logPath} does not exist`});
    const offsets = index ? await loadOffsetIndex(index, baseOffset) : [];
    let prevTimestamp = -1n;
    let i = 0;
    for await (const entry of timeIndexEntries(timeIndex, baseOffset)) {
      if (entry.offset === baseOffset && i > 0) break;
      i++;
      if (log) await checkTimeEntry(log, absPath, entry, lookupOffset(offsets, baseOffset, entry.offset).position, prevTimestamp, summary);
      if (!options.verifyIndexOnly) sink.emit({type: 'time-index-entry', timestamp: entry.timestamp, offset: entry.offset});
      prevTimestamp = entry.timestamp;
      if (i % 1024 === 0) await sink.drain();
    }
  } finally {
    await timeIndex.close();
    await log?.close();
    await index?.close();
  }
}

/** Kafka's check: the batch ending at the indexed offset must have the indexed max timestamp. */
async function checkTimeEntry(
  log: ChunkedFile, absPath: string, entry: {timestamp: bigint; offset: bigint}, position: number,
  prevTimestamp: bigint, summary: DumpSummary,
): Promise<void> {
  let match: ScannedBatch | undefined;
  if (position >= 0 && position <= log.size) {
    for await (const b of new BatchScanner(log, position, log.size).batches()) {
      if (lastOffsetOf(b) >= entry.offset) {
        match = b;
        break;
      }
    }
  }
  if (!match) {
    summary.offsetNotFound(absPath, entry.offset, -1n);
    return;
  }
  const last = lastOffsetOf(match);
  if (last !== entry.offset) {
    summary.offsetNotFound(absPath, entry.offset, last);
    return;
  }
  let maxTimestamp: bigint;
  try {
    maxTimestamp = await maxRecordTimestamp(match);
  } catch {
    maxTimestamp = -1n;
  }
  if (maxTimestamp !== entry.timestamp) summary.timestampMismatch(absPath, entry.timestamp, maxTimestamp);
  if (prevTimestamp >= entry.timestamp) summary.outOfOrderTimestamp(absPath, entry.timestamp, prevTimestamp);
}
