/**
 * Dump of a .log segment (Kafka's dumpLog): the "Log starting offset" line, one line per batch,
 * record lines with --deep-iteration, content with --print-data-log, then the invalid-bytes line.
 * The file is streamed batch by batch; a batch whose records do not decode gets an error line on
 * stderr and the dump goes on with the next batch.
 */
import {basename, resolve} from 'node:path';
import {decodeBatch} from '../../records/batch.js';
import {describeBatch, BatchTooSmallError} from './batch-info.js';
import {BatchScanner, type ScannedBatch} from './batch-scanner.js';
import {ChunkedFile} from './chunked-file.js';
import {describeControl} from './control-info.js';
import type {BatchEvent, DumpSink, KraftSnapshotEvent, LogStartEvent, RecordEvent} from './events.js';
import type {ResolvedOptions} from './options.js';
import type {RecordParser} from './record-parser.js';
import type {DumpSummary} from './summary.js';
import {legacyRecords} from './legacy-records.js';

export interface LogDumpContext {
  options: ResolvedOptions;
  parser: RecordParser;
  sink: DumpSink;
  summary: DumpSummary;
}

/** Batches between two back-pressure checks: small enough to bound buffered output. */
const DRAIN_EVERY = 256;

/** `header` is the line before the batches: the log start offset, or a KRaft snapshot's id. */
export async function dumpLogFile(file: string, header: LogStartEvent | KraftSnapshotEvent, ctx: LogDumpContext): Promise<void> {
  const {sink, options} = ctx;
  sink.emit(header);
  const log = await ChunkedFile.open(file);
  try {
    const end = Math.min(log.size, options.maxBytes);
    const scanner = new BatchScanner(log, 0, end, options.chunkBytes);
    const consecutive = {last: -1n, file: resolve(file)};
    let n = 0;
    for await (const batch of scanner.batches()) {
      let event: BatchEvent;
      try {
        event = describeBatch(batch, batch.position);
      } catch (err) {
        if (!(err instanceof BatchTooSmallError)) throw err;
        sink.emit({type: 'error', file, message: err.message});
        return;
      }
      sink.emit(event);
      if (options.deepIteration) await dumpRecords(file, batch, event, ctx, consecutive);
      if (++n % DRAIN_EVERY === 0) await sink.drain();
    }
    if (scanner.error) {
      sink.emit({type: 'error', file, message: scanner.error});
      return;
    }
    const trailing = log.size - scanner.validBytes;
    if (trailing > 0 && !options.maxBytesSet) sink.emit({type: 'invalid-bytes', file: basename(file), count: trailing});
  } finally {
    await log.close();
  }
}

interface RecordView {
  offset: bigint;
  timestamp: bigint;
  key: Buffer | null;
  value: Buffer | null;
  sequence?: number;
  headers?: {key: string}[];
  crc?: number;
  crcValid?: boolean;
}

async function recordsOf(batch: ScannedBatch): Promise<RecordView[]> {
  if (batch.magic >= 2) return (await decodeBatch(batch.buf, 0, {verifyCrc: false})).records;
  return legacyRecords(batch.buf);
}

async function dumpRecords(
  file: string, batch: ScannedBatch, event: BatchEvent, ctx: LogDumpContext, consecutive: {last: bigint; file: string},
): Promise<void> {
  let records: RecordView[];
  try {
    records = await recordsOf(batch);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    ctx.sink.emit({type: 'error', file, message: `Cannot read the records of the batch at position ${event.position} of ${file}: ${reason}`});
    return;
  }
  const {options, parser, sink} = ctx;
  for (const r of records) {
    if (r.offset !== consecutive.last + 1n) ctx.summary.nonConsecutive(consecutive.file, consecutive.last, r.offset);
    consecutive.last = r.offset;
    const rec: RecordEvent = {
      type: 'record',
      magic: event.magic,
      offset: r.offset,
      timestampType: event.timestampType,
      timestamp: r.timestamp,
      keySize: r.key === null ? -1 : r.key.length,
      valueSize: r.value === null ? -1 : r.value.length,
    };
    if (r.headers) {
      rec.sequence = r.sequence;
      rec.headerKeys = r.headers.map((h) => h.key);
    } else {
      rec.legacyValid = r.crcValid;
      rec.legacyCrc = r.crc;
    }
    if (event.isControl) rec.control = describeControl(r.key, r.value);
    if (options.printDataLog && !event.isControl) {
      const content = parser(r);
      if (content.key !== undefined) rec.key = content.key;
      if (content.payload !== undefined) rec.payload = content.payload;
    }
    sink.emit(rec);
  }
}
