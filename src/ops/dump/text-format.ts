/**
 * Kafka's kafka-dump-log.sh text, line for line (Kafka 3.3+/4.x format, see
 * ../shared/reference/kafka-dump-log-format.md): one function from a dump event to the lines the
 * Kafka tool prints and the stream it prints them on.
 */
import type {BatchEvent, ControlInfo, DumpEvent, RecordEvent} from './events.js';

export interface TextLine { stream: 'out' | 'err'; text: string }

function optionalLong(value: bigint | null): string {
  return value === null ? 'OptionalLong.empty' : `OptionalLong[${value}]`;
}

export function formatBatch(b: BatchEvent): string {
  const head = b.magic >= 2
    ? `baseOffset: ${b.baseOffset} lastOffset: ${b.lastOffset} count: ${b.count === null ? 'null' : b.count}` +
      ` baseSequence: ${b.baseSequence} lastSequence: ${b.lastSequence} producerId: ${b.producerId}` +
      ` producerEpoch: ${b.producerEpoch} partitionLeaderEpoch: ${b.partitionLeaderEpoch}` +
      ` isTransactional: ${b.isTransactional} isControl: ${b.isControl} deleteHorizonMs: ${optionalLong(b.deleteHorizonMs)}`
    : `offset: ${b.lastOffset}`;
  return `${head} position: ${b.position} ${b.timestampType}: ${b.maxTimestamp} size: ${b.size}` +
    ` magic: ${b.magic} compresscodec: ${b.compressCodec} crc: ${b.crc} isvalid: ${b.isValid}`;
}

function formatControl(c: ControlInfo): string {
  if (c.kind === 'endTxnMarker') return ` endTxnMarker: ${c.marker} coordinatorEpoch: ${c.coordinatorEpoch}`;
  if (c.kind === 'json') return ` ${c.label} ${c.json}`;
  return ` controlType: ${c.controlType}(${c.typeId})`;
}

/** The record line; with --skip-record-metadata only the content remains (an empty line for a control record). */
export function formatRecord(r: RecordEvent, skipRecordMetadata: boolean): string {
  let line = '';
  if (!skipRecordMetadata) {
    line = `| offset: ${r.offset} ${r.timestampType}: ${r.timestamp} keySize: ${r.keySize} valueSize: ${r.valueSize}`;
    if (r.magic >= 2) line += ` sequence: ${r.sequence ?? -1} headerKeys: [${(r.headerKeys ?? []).join(',')}]`;
    if (r.legacyValid !== undefined) line += ` isValid: ${r.legacyValid} crc: ${r.legacyCrc}`;
    if (r.control) line += formatControl(r.control);
  }
  let prefix = skipRecordMetadata ? '| ' : ' ';
  if (r.key !== undefined) {
    line += `${prefix}key: ${r.key}`;
    prefix = ' ';
  }
  if (r.payload !== undefined) line += `${prefix}payload: ${r.payload}`;
  return line;
}

const out = (text: string): TextLine[] => [{stream: 'out', text}];
const err = (...texts: string[]): TextLine[] => texts.map((text) => ({stream: 'err' as const, text}));

export function formatEvent(e: DumpEvent, skipRecordMetadata = false): TextLine[] {
  switch (e.type) {
    case 'file': return out(`Dumping ${e.file}`);
    case 'log-start': return out(`Log starting offset: ${e.offset}`);
    case 'kraft-snapshot':
      return out(e.endOffset === null ? 'KRaft bootstrap snapshot' : `Snapshot end offset: ${e.endOffset}, epoch: ${e.epoch}`);
    case 'batch': return out(formatBatch(e));
    case 'record': return out(formatRecord(e, skipRecordMetadata));
    case 'invalid-bytes': return out(`Found ${e.count} invalid bytes at the end of ${e.file}`);
    case 'index-entry': return out(`offset: ${e.offset} position: ${e.position}`);
    case 'time-index-entry': return out(`timestamp: ${e.timestamp} offset: ${e.offset}`);
    case 'index-empty': return out(`${e.file} is empty.`);
    case 'sanity-check-passed': return out(`${e.file} passed sanity check.`);
    case 'producer-snapshot-entry': {
      let line = `producerId: ${e.producerId} producerEpoch: ${e.producerEpoch} coordinatorEpoch: ${e.coordinatorEpoch}` +
        ` currentTxnFirstOffset: ${optionalLong(e.currentTxnFirstOffset)} lastTimestamp: ${e.lastTimestamp}`;
      if (e.batch) {
        line += ` firstSequence: ${e.batch.firstSequence} lastSequence: ${e.batch.lastSequence}` +
          ` lastOffset: ${e.batch.lastOffset} offsetDelta: ${e.batch.offsetDelta} timestamp: ${e.batch.timestamp}`;
      }
      return out(line);
    }
    case 'txn-index-entry':
      return out(`version: ${e.version} producerId: ${e.producerId} firstOffset: ${e.firstOffset}` +
        ` lastOffset: ${e.lastOffset} lastStableOffset: ${e.lastStableOffset}`);
    case 'checkpoint': return out(`${e.kind} version: ${e.version} entries: ${e.entries}`);
    case 'checkpoint-entry': return out(`topic: ${e.topic} partition: ${e.partition} offset: ${e.offset}`);
    case 'leader-epoch-entry': return out(`epoch: ${e.epoch} startOffset: ${e.startOffset}`);
    case 'partition-metadata': return out(`version: ${e.version} topicId: ${e.topicId}`);
    case 'properties': return Object.entries(e.properties).map(([k, v]) => ({stream: 'out' as const, text: `${k}: ${v}`}));
    case 'index-mismatches':
      return err(`Mismatches in :${e.file}`, ...e.mismatches.map((m) => `  Index offset: ${m.indexOffset}, log offset: ${m.logOffset}`));
    case 'time-index-mismatches':
      return err(`Found timestamp mismatch in :${e.file}`,
        ...e.mismatches.map((m) => `  Index timestamp: ${m.indexTimestamp}, log timestamp: ${m.logTimestamp}`));
    case 'time-index-out-of-order':
      return err(`Found out of order timestamp in :${e.file}`,
        ...e.entries.map((m) => `  Index timestamp: ${m.indexTimestamp}, Previously indexed timestamp: ${m.previousTimestamp}`));
    case 'time-index-offsets-not-found':
      return err('The following indexed offsets are not found in the log.',
        ...e.entries.map((m) => `Indexed offset: ${m.indexOffset}, found log offset: ${m.logOffset}`));
    case 'non-consecutive-offsets':
      return err(`Non-consecutive offsets in ${e.file}`, ...e.pairs.map((p) => `  ${p.from} is followed by ${p.to}`));
    case 'error': return err(e.message);
    case 'unknown-file': return err(`Ignoring unknown file ${e.file}`);
  }
}
