/**
 * What a dump produces: one typed event per line Kafka's kafka-dump-log.sh prints. The text
 * renderer (text-format.ts) turns each event into Kafka's exact line; `-o json` prints each event
 * as one JSON object per line. `stream` says where the Kafka tool writes it (stdout or stderr).
 */

export type TimestampTypeName = 'CreateTime' | 'LogAppendTime' | 'NoTimestampType';
/** `none`, `gzip`, `snappy`, `lz4`, `zstd`, or `unknown(<id>)` for an id Kafka does not define. */
export type CodecName = string;

export interface FileEvent { type: 'file'; file: string }
export interface LogStartEvent { type: 'log-start'; offset: bigint }
/** KRaft snapshot (`.checkpoint`): end offset and epoch from its name; null for bootstrap.checkpoint. */
export interface KraftSnapshotEvent { type: 'kraft-snapshot'; endOffset: bigint | null; epoch: number | null }

export interface BatchEvent {
  type: 'batch';
  magic: number;
  /** For magic < 2 Kafka prints `offset: lastOffset` instead of the v2 fields. */
  baseOffset: bigint;
  lastOffset: bigint;
  count: number | null;
  baseSequence: number;
  lastSequence: number;
  producerId: bigint;
  producerEpoch: number;
  partitionLeaderEpoch: number;
  isTransactional: boolean;
  isControl: boolean;
  deleteHorizonMs: bigint | null;
  position: number;
  timestampType: TimestampTypeName;
  maxTimestamp: bigint;
  size: number;
  compressCodec: CodecName;
  crc: number;
  isValid: boolean;
}

export type ControlInfo =
  | {kind: 'endTxnMarker'; marker: 'COMMIT' | 'ABORT'; coordinatorEpoch: number}
  | {kind: 'json'; label: string; json: string}
  | {kind: 'other'; controlType: string; typeId: number};

export interface RecordEvent {
  type: 'record';
  magic: number;
  offset: bigint;
  timestampType: TimestampTypeName;
  timestamp: bigint;
  keySize: number;
  valueSize: number;
  /** magic >= 2 only. */
  sequence?: number;
  headerKeys?: string[];
  /** Legacy (magic 0/1) records only. */
  legacyValid?: boolean;
  legacyCrc?: number;
  control?: ControlInfo;
  /** Printed content; absent when not printed (null key/value, control batch, no print-data-log). */
  key?: string;
  payload?: string;
}

export interface InvalidBytesEvent { type: 'invalid-bytes'; file: string; count: number }
export interface IndexEntryEvent { type: 'index-entry'; offset: bigint; position: number }
export interface TimeIndexEntryEvent { type: 'time-index-entry'; timestamp: bigint; offset: bigint }
export interface IndexEmptyEvent { type: 'index-empty'; file: string }
export interface SanityPassedEvent { type: 'sanity-check-passed'; file: string }

export interface ProducerSnapshotEntryEvent {
  type: 'producer-snapshot-entry';
  producerId: bigint;
  producerEpoch: number;
  coordinatorEpoch: number;
  currentTxnFirstOffset: bigint | null;
  lastTimestamp: bigint;
  batch: {firstSequence: number; lastSequence: number; lastOffset: bigint; offsetDelta: number; timestamp: bigint} | null;
}

export interface TxnIndexEntryEvent {
  type: 'txn-index-entry';
  version: number;
  producerId: bigint;
  firstOffset: bigint;
  lastOffset: bigint;
  lastStableOffset: bigint;
}

/** kstream extensions (kafka-dump-log ignores these files): checkpoints and partition metadata. */
export interface CheckpointHeaderEvent { type: 'checkpoint'; file: string; kind: string; version: number; entries: number }
export interface CheckpointEntryEvent { type: 'checkpoint-entry'; topic: string; partition: number; offset: bigint }
export interface LeaderEpochEntryEvent { type: 'leader-epoch-entry'; epoch: number; startOffset: bigint }
export interface PartitionMetadataEvent { type: 'partition-metadata'; version: number; topicId: string }
export interface PropertiesEvent { type: 'properties'; properties: Record<string, string> }

/** Summaries Kafka prints on stderr after all files. */
export interface IndexMismatchEvent { type: 'index-mismatches'; file: string; mismatches: {indexOffset: bigint; logOffset: bigint}[] }
export interface TimestampMismatchEvent { type: 'time-index-mismatches'; file: string; mismatches: {indexTimestamp: bigint; logTimestamp: bigint}[] }
export interface OutOfOrderEvent { type: 'time-index-out-of-order'; file: string; entries: {indexTimestamp: bigint; previousTimestamp: bigint}[] }
/** logOffset -1: no batch at or after the indexed position ends at or past the indexed offset. */
export interface OffsetsNotFoundEvent { type: 'time-index-offsets-not-found'; file: string; entries: {indexOffset: bigint; logOffset: bigint}[] }
export interface NonConsecutiveEvent { type: 'non-consecutive-offsets'; file: string; pairs: {from: bigint; to: bigint}[] }

/** A file or a part of one that could not be dumped: one line on stderr. */
export interface ErrorEvent { type: 'error'; file: string; message: string }
export interface UnknownFileEvent { type: 'unknown-file'; file: string }

export type DumpEvent =
  | FileEvent | LogStartEvent | KraftSnapshotEvent | BatchEvent | RecordEvent | InvalidBytesEvent
  | IndexEntryEvent | TimeIndexEntryEvent | IndexEmptyEvent | SanityPassedEvent
  | ProducerSnapshotEntryEvent | TxnIndexEntryEvent
  | CheckpointHeaderEvent | CheckpointEntryEvent | LeaderEpochEntryEvent | PartitionMetadataEvent | PropertiesEvent
  | IndexMismatchEvent | TimestampMismatchEvent | OutOfOrderEvent | OffsetsNotFoundEvent | NonConsecutiveEvent
  | ErrorEvent | UnknownFileEvent;

/**
 * Where events go. `emit` is synchronous so the hot loop stays cheap; the dumper awaits
 * `drain()` between chunks so a slow consumer (a pipe) applies back-pressure.
 */
export interface DumpSink {
  emit(event: DumpEvent): void;
  drain(): Promise<void>;
}
