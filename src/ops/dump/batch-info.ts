/**
 * The batch line's facts, read from a batch's bytes: RecordBatch v2 through the shared header
 * module, legacy magic 0/1 message sets (their outer message) from the legacy layout:
 *   offset int64 | size int32 | crc uint32 (CRC32 of magic..end) | magic int8 | attributes int8
 *   [timestamp int64, magic 1] | key bytes | value bytes
 */
import {crc32} from '@node-rs/crc32';
import {
  BATCH_HEADER_SIZE, ATTR_DELETE_HORIZON, ATTR_TIMESTAMP_TYPE, compressionOf, isBatchCrcValid,
  isControl, isTransactional, readBatchHeader,
} from '../../records/batch-header.js';
import {compressionName} from '../../records/compression.js';
import {sequenceAt} from '../../records/record.js';
import type {BatchEvent, TimestampTypeName} from './events.js';
import type {ScannedBatch} from './batch-scanner.js';

/** Smallest legacy message: crc, magic, attributes, key and value lengths (+ timestamp for magic 1). */
export function legacyHeaderSize(magic: number): number {
  return magic === 0 ? 26 : 34;
}

export class BatchTooSmallError extends Error {}

/** The batch line for a scanned batch; throws BatchTooSmallError when the header does not fit. */
export function describeBatch(b: ScannedBatch, position: number): BatchEvent {
  return b.magic >= 2 ? describeV2(b, position) : describeLegacy(b, position);
}

function describeV2(b: ScannedBatch, position: number): BatchEvent {
  if (b.size < BATCH_HEADER_SIZE) {
    throw new BatchTooSmallError(`Batch at position ${position} has size ${b.size}, smaller than the RecordBatch header (${BATCH_HEADER_SIZE} bytes)`);
  }
  const h = readBatchHeader(b.buf, 0);
  return {
    type: 'batch',
    magic: h.magic,
    baseOffset: h.baseOffset,
    lastOffset: h.baseOffset + BigInt(h.lastOffsetDelta),
    count: h.recordCount,
    baseSequence: h.baseSequence,
    lastSequence: h.baseSequence === -1 ? -1 : sequenceAt(h.baseSequence, h.lastOffsetDelta),
    producerId: h.producerId,
    producerEpoch: h.producerEpoch,
    partitionLeaderEpoch: h.partitionLeaderEpoch,
    isTransactional: isTransactional(h.attributes),
    isControl: isControl(h.attributes),
    deleteHorizonMs: (h.attributes & ATTR_DELETE_HORIZON) !== 0 ? h.baseTimestamp : null,
    position,
    timestampType: (h.attributes & ATTR_TIMESTAMP_TYPE) !== 0 ? 'LogAppendTime' : 'CreateTime',
    maxTimestamp: h.maxTimestamp,
    size: b.size,
    compressCodec: compressionName(compressionOf(h.attributes)),
    crc: h.crc,
    isValid: isBatchCrcValid(b.buf, 0),
  };
}

export function legacyTimestampType(magic: number, attributes: number): TimestampTypeName {
  if (magic === 0) return 'NoTimestampType';
  return (attributes & ATTR_TIMESTAMP_TYPE) !== 0 ? 'LogAppendTime' : 'CreateTime';
}

function describeLegacy(b: ScannedBatch, position: number): BatchEvent {
  if (b.size < legacyHeaderSize(b.magic)) {
    throw new BatchTooSmallError(`Message at position ${position} has size ${b.size}, smaller than a magic ${b.magic} message header (${legacyHeaderSize(b.magic)} bytes)`);
  }
  const offset = b.buf.readBigInt64BE(0);
  const attributes = b.buf.readInt8(17);
  const storedCrc = b.buf.readUInt32BE(12);
  return {
    type: 'batch',
    magic: b.magic,
    baseOffset: offset,
    lastOffset: offset,
    count: null,
    baseSequence: -1,
    lastSequence: -1,
    producerId: -1n,
    producerEpoch: -1,
    partitionLeaderEpoch: -1,
    isTransactional: false,
    isControl: false,
    deleteHorizonMs: null,
    position,
    timestampType: legacyTimestampType(b.magic, attributes),
    maxTimestamp: b.magic === 0 ? -1n : b.buf.readBigInt64BE(18),
    size: b.size,
    compressCodec: compressionName(attributes & 0x07),
    crc: storedCrc,
    isValid: (crc32(b.buf.subarray(16)) >>> 0) === storedCrc,
  };
}
