/**
 * `kstream dump-segment`: kafka-dump-log.sh's per-file dispatch. Every file first gets its
 * "Dumping <file>" line, then is dumped by its suffix; Kafka's summaries (index mismatches,
 * non-consecutive offsets) follow all files. A file that cannot be read gives one error line and
 * the next file is dumped.
 */
import {stat} from 'node:fs/promises';
import {basename} from 'node:path';
import {INDEX_SUFFIX, LOG_SUFFIX, SNAPSHOT_SUFFIX, TIME_INDEX_SUFFIX, TXN_INDEX_SUFFIX} from '../../storage/filenames.js';
import {dumpCheckpointFile, isCheckpointFile} from './checkpoint-dump.js';
import {offsetsParser, transactionLogParser} from './coordinator-json.js';
import type {DumpEvent, DumpSink} from './events.js';
import {dumpOffsetIndex, dumpTimeIndex} from './index-dump.js';
import {dumpLogFile} from './log-dump.js';
import {resolveOptions, type DumpOptions, type ResolvedOptions} from './options.js';
import {decoderParser, type RecordParser} from './record-parser.js';
import {dumpProducerSnapshot} from './snapshot-dump.js';
import {DumpSummary} from './summary.js';
import {dumpTxnIndex} from './txn-index-dump.js';

export interface DumpResult {
  /** Files or parts of files that could not be dumped (error lines printed). */
  errors: number;
}

const KRAFT_SNAPSHOT_SUFFIX = '.checkpoint';
const KRAFT_SNAPSHOT_NAME = /^(\d{20})-(\d{10})\.checkpoint$/;

function parserFor(options: ResolvedOptions): RecordParser {
  if (options.parser === 'offsets') return offsetsParser;
  if (options.parser === 'transaction-log') return transactionLogParser;
  return decoderParser(options);
}

/** Kafka's UnifiedLog.offsetFromFile: the digits before the first dot. */
function baseOffsetOf(name: string): bigint | undefined {
  const prefix = name.split('.')[0] ?? '';
  if (!/^\d{1,30}$/.test(prefix)) return undefined;
  const n = BigInt(prefix);
  return n <= 0x7fffffffffffffffn ? n : undefined;
}

function describeFsError(file: string, err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return `${file}: no such file`;
  if (code === 'EACCES' || code === 'EPERM') return `${file}: permission denied`;
  if (code === 'EISDIR') return `${file}: is a directory, not a file (give the segment files inside it)`;
  return `${file}: ${err instanceof Error ? err.message : String(err)}`;
}

export async function dumpFiles(files: string[], dumpOptions: DumpOptions, target: DumpSink): Promise<DumpResult> {
  const options = resolveOptions(dumpOptions);
  const result: DumpResult = {errors: 0};
  const sink: DumpSink = {
    emit(event: DumpEvent) {
      if (event.type === 'error') result.errors++;
      target.emit(event);
    },
    drain: () => target.drain(),
  };
  const summary = new DumpSummary();
  const parser = parserFor(options);
  for (const file of files) {
    sink.emit({type: 'file', file});
    try {
      await dumpOne(file, options, parser, sink, summary);
    } catch (err) {
      sink.emit({type: 'error', file, message: describeFsError(file, err)});
    }
    await sink.drain();
  }
  for (const event of summary.events()) sink.emit(event);
  await sink.drain();
  return result;
}

async function dumpOne(file: string, options: ResolvedOptions, parser: RecordParser, sink: DumpSink, summary: DumpSummary): Promise<void> {
  const name = basename(file);
  const info = await stat(file);
  if (info.isDirectory()) throw Object.assign(new Error('directory'), {code: 'EISDIR'});
  const dot = name.lastIndexOf('.');
  const suffix = dot < 0 ? '' : name.slice(dot);
  const ctx = {options, parser, sink, summary};
  const notSegment = (kind: string): void => sink.emit({
    type: 'error', file,
    message: `${file}: not a Kafka ${kind} file name (expected <base offset>${suffix}, e.g. 00000000000000000000${suffix})`,
  });
  if (suffix === KRAFT_SNAPSHOT_SUFFIX) {
    const m = KRAFT_SNAPSHOT_NAME.exec(name);
    if (name !== 'bootstrap.checkpoint' && !m) return notSegment('KRaft snapshot');
    await dumpLogFile(file, {type: 'kraft-snapshot', endOffset: m ? BigInt(m[1]!) : null, epoch: m ? Number(m[2]) : null}, ctx);
    return;
  }
  if (isCheckpointFile(name)) return dumpCheckpointFile(file, name, sink);
  if (![LOG_SUFFIX, INDEX_SUFFIX, TIME_INDEX_SUFFIX, SNAPSHOT_SUFFIX, TXN_INDEX_SUFFIX].includes(suffix)) {
    sink.emit({type: 'unknown-file', file});
    return;
  }
  // Kafka reads producer snapshots whatever their name; the other segment files need the offset.
  if (suffix === SNAPSHOT_SUFFIX) return dumpProducerSnapshot(file, sink);
  const baseOffset = baseOffsetOf(name);
  if (baseOffset === undefined) return notSegment(suffix.slice(1));
  const baseName = name.split('.')[0]!;
  switch (suffix) {
    case LOG_SUFFIX: return dumpLogFile(file, {type: 'log-start', offset: baseOffset}, ctx);
    case INDEX_SUFFIX: return dumpOffsetIndex(file, baseName, baseOffset, ctx);
    case TIME_INDEX_SUFFIX: return dumpTimeIndex(file, baseName, baseOffset, ctx);
    default: return dumpTxnIndex(file, sink);
  }
}
