/**
 * Producer-state snapshots (`<offset>.snapshot`, Kafka's ProducerStateManager format):
 *   version int16 (1) | crc uint32 (CRC32C of everything after it) | count int32 | entries:
 *   producerId int64 | producerEpoch int16 | lastSequence int32 | lastOffset int64
 *   | offsetDelta int32 | timestamp int64 | coordinatorEpoch int32 | currentTxnFirstOffset int64
 * Snapshots are small (one entry per live producer), so they are read whole. Corruption gives
 * Kafka's CorruptSnapshotException message on stderr.
 */
import {readFile} from 'node:fs/promises';
import {crc32c} from '../../records/crc32c.js';
import type {DumpSink, ProducerSnapshotEntryEvent} from './events.js';

const SNAPSHOT_VERSION = 1;
const ENTRIES_OFFSET = 6;
const ENTRY_SIZE = 46;

/** Kafka's DefaultRecordBatch.decrementSequence: sequences wrap below 0 to Int.MAX. */
function decrementSequence(sequence: number, decrement: number): number {
  if (sequence < decrement) return 0x7fffffff - (decrement - sequence) + 1;
  return sequence - decrement;
}

export function parseProducerSnapshot(buf: Buffer): ProducerSnapshotEntryEvent[] {
  if (buf.length < 10) throw new Error(`Snapshot failed schema validation: Error reading field 'version': file has ${buf.length} bytes`);
  const version = buf.readInt16BE(0);
  if (version !== SNAPSHOT_VERSION) throw new Error(`Snapshot contained an unknown file version ${version}`);
  const crc = buf.readUInt32BE(2);
  const computed = crc32c(buf.subarray(ENTRIES_OFFSET));
  if (crc !== computed) throw new Error(`Snapshot is corrupt (CRC is no longer valid). Stored crc: ${crc}. Computed crc: ${computed}`);
  const count = buf.readInt32BE(ENTRIES_OFFSET);
  if (count < 0 || ENTRIES_OFFSET + 4 + count * ENTRY_SIZE > buf.length) {
    throw new Error(`Snapshot failed schema validation: Error reading array of size ${count}, only ${buf.length - ENTRIES_OFFSET - 4} bytes available`);
  }
  const out: ProducerSnapshotEntryEvent[] = [];
  for (let i = 0, p = ENTRIES_OFFSET + 4; i < count; i++, p += ENTRY_SIZE) {
    const lastSequence = buf.readInt32BE(p + 10);
    const lastOffset = buf.readBigInt64BE(p + 14);
    const offsetDelta = buf.readInt32BE(p + 22);
    const timestamp = buf.readBigInt64BE(p + 26);
    const currentTxnFirstOffset = buf.readBigInt64BE(p + 38);
    out.push({
      type: 'producer-snapshot-entry',
      producerId: buf.readBigInt64BE(p),
      producerEpoch: buf.readInt16BE(p + 8),
      coordinatorEpoch: buf.readInt32BE(p + 34),
      currentTxnFirstOffset: currentTxnFirstOffset >= 0n ? currentTxnFirstOffset : null,
      lastTimestamp: timestamp,
      batch: lastOffset >= 0n
        ? {firstSequence: decrementSequence(lastSequence, offsetDelta), lastSequence, lastOffset, offsetDelta, timestamp}
        : null,
    });
  }
  return out;
}

export async function dumpProducerSnapshot(file: string, sink: DumpSink): Promise<void> {
  let entries: ProducerSnapshotEntryEvent[];
  try {
    entries = parseProducerSnapshot(await readFile(file));
  } catch (err) {
    sink.emit({type: 'error', file, message: (err as Error).message});
    return;
  }
  for (const e of entries) sink.emit(e);
}
