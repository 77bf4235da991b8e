/**
 * Control records: the single record of a control batch (attributes bit 5). Key and value use
 * Kafka's fixed layouts (ControlRecordType, EndTransactionMarker):
 *   key:   version int16 (0) | type int16 (0 ABORT, 1 COMMIT, 2.. KRaft types)
 *   value (ABORT/COMMIT): version int16 (0) | coordinatorEpoch int32
 * Newer versions may append fields, so readers accept longer keys/values, as Kafka does.
 */
import {CompressionType} from './batch-header.js';
import {encodeBatch} from './batch.js';
import {CorruptRecordError} from './errors.js';

export const ControlRecordType = {
  Abort: 0,
  Commit: 1,
  LeaderChange: 2,
  SnapshotHeader: 3,
  SnapshotFooter: 4,
  KRaftVersion: 5,
  KRaftVoters: 6,
} as const;

const TYPE_NAMES: Record<number, string> = {
  0: 'ABORT', 1: 'COMMIT', 2: 'LEADER_CHANGE', 3: 'SNAPSHOT_HEADER', 4: 'SNAPSHOT_FOOTER', 5: 'KRAFT_VERSION', 6: 'KRAFT_VOTERS',
};

/** Kafka's name for a control record type, `UNKNOWN` for a type it does not define. */
export function controlRecordTypeName(type: number): string {
  return TYPE_NAMES[type] ?? 'UNKNOWN';
}

export interface ControlKey {
  version: number;
  type: number;
}

export interface EndTxnMarker {
  version: number;
  coordinatorEpoch: number;
}

export function encodeControlKey(type: number, version = 0): Buffer {
  const buf = Buffer.alloc(4);
  buf.writeInt16BE(version, 0);
  buf.writeInt16BE(type, 2);
  return buf;
}

export function decodeControlKey(key: Buffer | null): ControlKey {
  if (key === null || key.length < 4) {
    throw new CorruptRecordError(`invalid control record key: ${key === null ? 'null' : `${key.length} bytes`}, expected at least 4`);
  }
  const version = key.readInt16BE(0);
  if (version < 0) throw new CorruptRecordError(`invalid negative control record key version ${version}`);
  return {version, type: key.readInt16BE(2)};
}

export function encodeEndTxnMarkerValue(coordinatorEpoch: number, version = 0): Buffer {
  const buf = Buffer.alloc(6);
  buf.writeInt16BE(version, 0);
  buf.writeInt32BE(coordinatorEpoch, 2);
  return buf;
}

export function decodeEndTxnMarkerValue(value: Buffer | null): EndTxnMarker {
  if (value === null || value.length < 6) {
    throw new CorruptRecordError(`invalid end transaction marker value: ${value === null ? 'null' : `${value.length} bytes`}, expected at least 6`);
  }
  return {version: value.readInt16BE(0), coordinatorEpoch: value.readInt32BE(2)};
}

export interface EndTxnMarkerBatchInput {
  producerId: bigint;
  producerEpoch: number;
  commit: boolean;
  coordinatorEpoch: number;
  baseOffset?: bigint;
  partitionLeaderEpoch?: number;
  timestamp?: bigint | number;
}

/** A transactional control batch holding one COMMIT or ABORT marker (as MemoryRecords.withEndTransactionMarker). */
export function encodeEndTxnMarkerBatch(input: EndTxnMarkerBatchInput): Promise<Buffer> {
  return encodeBatch({
    records: [{
      key: encodeControlKey(input.commit ? ControlRecordType.Commit : ControlRecordType.Abort),
      value: encodeEndTxnMarkerValue(input.coordinatorEpoch),
      timestamp: input.timestamp,
    }],
    baseOffset: input.baseOffset,
    compression: CompressionType.None,
    producerId: input.producerId,
    producerEpoch: input.producerEpoch,
    transactional: true,
    control: true,
    partitionLeaderEpoch: input.partitionLeaderEpoch,
  });
}
