/**
 * The fixed 61-byte header of a RecordBatch (magic 2), read and patched in place.
 *
 * Layout (big-endian):
 *   0 baseOffset int64 | 8 batchLength int32 (bytes after this field) | 12 partitionLeaderEpoch int32
 *   16 magic int8 | 17 crc uint32 (CRC32C of bytes 21..end) | 21 attributes int16
 *   23 lastOffsetDelta int32 | 27 baseTimestamp int64 | 35 maxTimestamp int64
 *   43 producerId int64 | 51 producerEpoch int16 | 53 baseSequence int32 | 57 recordCount int32
 *   61 records...
 * Attributes: bits 0-2 compression, bit 3 timestamp type (1 = LogAppendTime), bit 4 transactional,
 * bit 5 control batch, bit 6 delete horizon set (compaction).
 */
import {crc32c} from './crc32c.js';
import {writeInt64} from '../protocol/int64.js';

export const BATCH_HEADER_SIZE = 61;
/** Bytes before batchLength's count starts: baseOffset (8) + batchLength (4). */
export const LOG_OVERHEAD = 12;

export const OFFSET_BASE_OFFSET = 0;
export const OFFSET_BATCH_LENGTH = 8;
export const OFFSET_LEADER_EPOCH = 12;
export const OFFSET_MAGIC = 16;
export const OFFSET_CRC = 17;
export const OFFSET_ATTRIBUTES = 21;
export const OFFSET_LAST_OFFSET_DELTA = 23;
export const OFFSET_BASE_TIMESTAMP = 27;
export const OFFSET_MAX_TIMESTAMP = 35;
export const OFFSET_PRODUCER_ID = 43;
export const OFFSET_PRODUCER_EPOCH = 51;
export const OFFSET_BASE_SEQUENCE = 53;
export const OFFSET_RECORD_COUNT = 57;

export const enum CompressionType {
  None = 0,
  Gzip = 1,
  Snappy = 2,
  Lz4 = 3,
  Zstd = 4,
}

export const ATTR_COMPRESSION_MASK = 0x07;
export const ATTR_TIMESTAMP_TYPE = 0x08;
export const ATTR_TRANSACTIONAL = 0x10;
export const ATTR_CONTROL = 0x20;
export const ATTR_DELETE_HORIZON = 0x40;

export interface BatchHeader {
  baseOffset: bigint;
  /** Bytes after the batchLength field; the whole batch is batchLength + 12 bytes. */
  batchLength: number;
  partitionLeaderEpoch: number;
  magic: number;
  crc: number;
  attributes: number;
  lastOffsetDelta: number;
  baseTimestamp: bigint;
  maxTimestamp: bigint;
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
}

/** Read the header of the batch starting at `pos`. The caller checks that 61 bytes are there. */
export function readBatchHeader(buf: Buffer, pos = 0): BatchHeader {
  return {
    baseOffset: buf.readBigInt64BE(pos + OFFSET_BASE_OFFSET),
    batchLength: buf.readInt32BE(pos + OFFSET_BATCH_LENGTH),
    partitionLeaderEpoch: buf.readInt32BE(pos + OFFSET_LEADER_EPOCH),
    magic: buf.readInt8(pos + OFFSET_MAGIC),
    crc: buf.readUInt32BE(pos + OFFSET_CRC),
    attributes: buf.readInt16BE(pos + OFFSET_ATTRIBUTES),
    lastOffsetDelta: buf.readInt32BE(pos + OFFSET_LAST_OFFSET_DELTA),
    baseTimestamp: buf.readBigInt64BE(pos + OFFSET_BASE_TIMESTAMP),
    maxTimestamp: buf.readBigInt64BE(pos + OFFSET_MAX_TIMESTAMP),
    producerId: buf.readBigInt64BE(pos + OFFSET_PRODUCER_ID),
    producerEpoch: buf.readInt16BE(pos + OFFSET_PRODUCER_EPOCH),
    baseSequence: buf.readInt32BE(pos + OFFSET_BASE_SEQUENCE),
    recordCount: buf.readInt32BE(pos + OFFSET_RECORD_COUNT),
  };
}

/** Total size in bytes of the batch at `pos` (header included), from its length field. */
export function batchSizeAt(buf: Buffer, pos = 0): number {
  return buf.readInt32BE(pos + OFFSET_BATCH_LENGTH) + LOG_OVERHEAD;
}

/** CRC32C over attributes..end, as stored in the crc field. */
export function computeBatchCrc(buf: Buffer, pos = 0): number {
  const end = pos + batchSizeAt(buf, pos);
  return crc32c(buf.subarray(pos + OFFSET_ATTRIBUTES, end));
}

export function isBatchCrcValid(buf: Buffer, pos = 0): boolean {
  return computeBatchCrc(buf, pos) === buf.readUInt32BE(pos + OFFSET_CRC);
}

/** Patch the base offset (not covered by the CRC, so no recompute is needed). */
export function setBaseOffset(buf: Buffer, pos: number, baseOffset: bigint): void {
  writeInt64(buf, baseOffset, pos + OFFSET_BASE_OFFSET);
}

/** Patch the partition leader epoch (not covered by the CRC). */
export function setPartitionLeaderEpoch(buf: Buffer, pos: number, epoch: number): void {
  buf.writeInt32BE(epoch, pos + OFFSET_LEADER_EPOCH);
}

/**
 * Set LogAppendTime the way Kafka's DefaultRecordBatch.setMaxTimestamp does: the timestamp type
 * bit and maxTimestamp change (baseTimestamp stays), so the CRC is recomputed. Readers then use
 * maxTimestamp as every record's timestamp.
 */
export function setLogAppendTime(buf: Buffer, pos: number, timestampMs: bigint): void {
  const attrs = buf.readInt16BE(pos + OFFSET_ATTRIBUTES);
  buf.writeInt16BE(attrs | ATTR_TIMESTAMP_TYPE, pos + OFFSET_ATTRIBUTES);
  buf.writeBigInt64BE(timestampMs, pos + OFFSET_MAX_TIMESTAMP);
  buf.writeUInt32BE(computeBatchCrc(buf, pos), pos + OFFSET_CRC);
}

export function compressionOf(attributes: number): CompressionType {
  return attributes & ATTR_COMPRESSION_MASK;
}

export function isTransactional(attributes: number): boolean {
  return (attributes & ATTR_TRANSACTIONAL) !== 0;
}

export function isControl(attributes: number): boolean {
  return (attributes & ATTR_CONTROL) !== 0;
}

export function lastOffsetOf(header: Pick<BatchHeader, 'baseOffset' | 'lastOffsetDelta'>): bigint {
  return header.baseOffset + BigInt(header.lastOffsetDelta);
}
