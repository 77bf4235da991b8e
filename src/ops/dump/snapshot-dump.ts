/**
 * Producer-state snapshots (`<offset>.snapshot`, Kafka's ProducerStateManager format):
 *   version int16 (1) | crc uint32 (CRC32C of everything after it) | count int32 | entries:
 *   producerId int64 | producerEpoch int16 | lastSequence int32 | lastOffset int64
 *   | offsetDelta int32 | timestamp int64 | coordinatorEpoch int32 | currentTxnFirstOffset int64
 * Snapshots are small (one entry per live producer), so they are read whole. Corruption gives
 * Kafka's CorruptSnapshotException message on stderr.
 */
import {readFile} from 'node:fs/promises';
import {decodeProducerSnapshot} from '../../storage/producer-snapshot.js';
import type {DumpSink, ProducerSnapshotEntryEvent} from './events.js';

/** The broker reads and writes these files with the same codec (src/storage/producer-snapshot.ts). */
export function parseProducerSnapshot(buf: Buffer): ProducerSnapshotEntryEvent[] {
  return decodeProducerSnapshot(buf).map((e) => {
    const last = e.batches[e.batches.length - 1];
    return {
      type: 'producer-snapshot-entry',
      producerId: e.producerId,
      producerEpoch: e.epoch,
      coordinatorEpoch: e.coordinatorEpoch,
      currentTxnFirstOffset: e.currentTxnFirstOffset >= 0n ? e.currentTxnFirstOffset : null,
      lastTimestamp: e.lastTimestamp,
      batch: last
        ? {firstSequence: last.firstSeq, lastSequence: last.lastSeq, lastOffset: last.lastOffset, offsetDelta: last.offsetDelta, timestamp: last.timestamp}
        : null,
    };
  });
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
