/**
 * Decoding of legacy message sets (magic 0 and 1), found in segments written before Kafka 0.11.
 *
 * Entry layout: offset int64 | size int32 | crc uint32 (CRC32/IEEE of magic..end) | magic int8
 *   | attributes int8 (bits 0-2 codec, bit 3 LogAppendTime on magic 1) | timestamp int64 (magic 1 only)
 *   | keyLength int32 (-1 = null) | key | valueLength int32 (-1 = null) | value
 *
 * A compressed entry ("wrapper") holds a compressed message set of inner entries in its value. Its
 * offset is the offset of its LAST inner message. Inner offsets are absolute on magic 0 and
 * relative (0..n-1) on magic 1, where absolute = wrapperOffset - lastInnerOffset + innerOffset.
 * With LogAppendTime on a magic 1 wrapper, every inner message takes the wrapper's timestamp.
 * Nesting beyond one level is invalid, as in Kafka.
 */
import {crc32} from '@node-rs/crc32';
import {ATTR_TIMESTAMP_TYPE, type BatchHeader, CompressionType, LOG_OVERHEAD} from './batch-header.js';
import {compressionName, decompress} from './compression.js';
import {CorruptRecordError} from './errors.js';
import type {KafkaRecord} from './record.js';

const OFFSET_CRC = 12;
const OFFSET_MAGIC = 16;
const OFFSET_ATTRIBUTES = 17;
const OFFSET_TIMESTAMP = 18;
/** crc + magic + attributes + keyLength + valueLength (+ timestamp on v1). */
const MESSAGE_OVERHEAD_V0 = 14;
const MESSAGE_OVERHEAD_V1 = 22;
const LEGACY_CODEC_MASK = 0x07;

export interface LegacyMessage {
  offset: bigint;
  magic: 0 | 1;
  crc: number;
  crcValid: boolean;
  attributes: number;
  compression: CompressionType;
  timestampType: 'none' | 'create' | 'append';
  /** -1 on magic 0. */
  timestamp: bigint;
  key: Buffer | null;
  value: Buffer | null;
  /** Whole entry size in bytes, log overhead included. */
  size: number;
}

export interface LegacyEntry {
  position: number;
  size: number;
  /** The outer message: the wrapper for a compressed entry, otherwise the only message. */
  message: LegacyMessage;
  /** Deep view: the inner messages of a wrapper, or the message itself, as records. */
  records: KafkaRecord[];
}

export interface LegacyDecodeOptions {
  /** Throw CorruptRecordError on a CRC mismatch (default true). */
  verifyCrc?: boolean;
}

/**
 * A BatchHeader describing a legacy entry, for shallow iteration: baseOffset is the entry's offset
 * field (for a compressed wrapper that is its LAST inner offset, so lastOffsetOf() is right and
 * baseOffset is not the first offset), recordCount is 1 uncompressed and -1 (unknown without
 * decompressing) for a wrapper, producer fields are "none".
 */
export function legacyEntryHeader(buf: Buffer, pos: number): BatchHeader {
  const magic = buf.readInt8(pos + OFFSET_MAGIC);
  const attributes = buf.readInt8(pos + OFFSET_ATTRIBUTES) & 0x0f;
  const timestamp = magic >= 1 && buf.length - pos >= OFFSET_TIMESTAMP + 8 ? buf.readBigInt64BE(pos + OFFSET_TIMESTAMP) : -1n;
  return {
    baseOffset: buf.readBigInt64BE(pos),
    batchLength: buf.readInt32BE(pos + 8),
    partitionLeaderEpoch: -1,
    magic,
    crc: buf.readUInt32BE(pos + OFFSET_CRC),
    attributes,
    lastOffsetDelta: 0,
    baseTimestamp: timestamp,
    maxTimestamp: timestamp,
    producerId: -1n,
    producerEpoch: -1,
    baseSequence: -1,
    recordCount: (attributes & LEGACY_CODEC_MASK) === CompressionType.None ? 1 : -1,
  };
}

/** Read the legacy message of the entry at `pos` (no decompression). */
export function readLegacyMessage(buf: Buffer, pos: number): LegacyMessage {
  if (buf.length - pos < LOG_OVERHEAD) throw new CorruptRecordError(`legacy entry at byte ${pos} is truncated`);
  const messageSize = buf.readInt32BE(pos + 8);
  const size = messageSize + LOG_OVERHEAD;
  if (messageSize < MESSAGE_OVERHEAD_V0) {
    throw new CorruptRecordError(`legacy entry at byte ${pos} declares size ${messageSize}, below the minimum ${MESSAGE_OVERHEAD_V0}`);
  }
  if (pos + size > buf.length) {
    throw new CorruptRecordError(`legacy entry at byte ${pos} is truncated: declares ${size} bytes, ${buf.length - pos} present`);
  }
  const magic = buf.readInt8(pos + OFFSET_MAGIC);
  if (magic !== 0 && magic !== 1) throw new CorruptRecordError(`entry at byte ${pos} has magic ${magic}, not a legacy message`);
  if (magic === 1 && messageSize < MESSAGE_OVERHEAD_V1) {
    throw new CorruptRecordError(`legacy v1 entry at byte ${pos} declares size ${messageSize}, below the minimum ${MESSAGE_OVERHEAD_V1}`);
  }
  const end = pos + size;
  const crc = buf.readUInt32BE(pos + OFFSET_CRC);
  const attributes = buf.readInt8(pos + OFFSET_ATTRIBUTES);
  let p = OFFSET_TIMESTAMP + pos;
  let timestamp = -1n;
  if (magic === 1) {
    timestamp = buf.readBigInt64BE(p);
    p += 8;
  }
  const [key, afterKey] = readLengthPrefixed(buf, p, end, pos);
  const [value, afterValue] = readLengthPrefixed(buf, afterKey, end, pos);
  if (afterValue !== end) throw new CorruptRecordError(`legacy entry at byte ${pos} has ${end - afterValue} bytes after its value`);
  const compression = (attributes & LEGACY_CODEC_MASK) as CompressionType;
  return {
    offset: buf.readBigInt64BE(pos),
    magic,
    crc,
    crcValid: (crc32(buf.subarray(pos + OFFSET_MAGIC, end)) >>> 0) === crc,
    attributes,
    compression,
    timestampType: magic === 0 ? 'none' : (attributes & ATTR_TIMESTAMP_TYPE) !== 0 ? 'append' : 'create',
    timestamp,
    key,
    value,
    size,
  };
}

function readLengthPrefixed(buf: Buffer, p: number, end: number, entryPos: number): [Buffer | null, number] {
  if (end - p < 4) throw new CorruptRecordError(`legacy entry at byte ${entryPos} is truncated inside its key/value`);
  const len = buf.readInt32BE(p);
  p += 4;
  if (len < 0) return [null, p];
  if (p + len > end) throw new CorruptRecordError(`legacy entry at byte ${entryPos} has a ${len}-byte field running past its end`);
  return [buf.subarray(p, p + len), p + len];
}

/** Decode the legacy entry at `pos`, including the inner messages of a compressed wrapper. */
export async function decodeLegacyEntry(buf: Buffer, pos = 0, options: LegacyDecodeOptions = {}): Promise<LegacyEntry> {
  const verify = options.verifyCrc !== false;
  const message = readLegacyMessage(buf, pos);
  checkCrc(message, pos, verify);
  if (message.compression === CompressionType.None) {
    return {position: pos, size: message.size, message, records: [toRecord(message, message.offset, message.timestamp)]};
  }
  if (message.compression > CompressionType.Lz4) {
    throw new CorruptRecordError(`legacy entry at byte ${pos} uses ${compressionName(message.compression)}, which magic ${message.magic} does not allow`);
  }
  if (message.value === null) throw new CorruptRecordError(`compressed legacy entry at byte ${pos} has a null value`);
  const inner = await decompress(message.compression, message.value, {legacyLz4HeaderChecksum: message.magic === 0});
  const innerMessages: LegacyMessage[] = [];
  for (let p = 0; p < inner.length;) {
    const m = readLegacyMessage(inner, p);
    checkCrc(m, p, verify);
    if (m.compression !== CompressionType.None) {
      throw new CorruptRecordError(`compressed legacy entry at byte ${pos} contains a nested compressed message`);
    }
    innerMessages.push(m);
    p += m.size;
  }
  if (innerMessages.length === 0) throw new CorruptRecordError(`compressed legacy entry at byte ${pos} holds no messages`);
  const lastInner = innerMessages[innerMessages.length - 1]!.offset;
  const shift = message.magic === 0 ? 0n : message.offset - lastInner;
  const records = innerMessages.map((m) => toRecord(
    m,
    m.offset + shift,
    message.timestampType === 'append' ? message.timestamp : m.timestamp,
  ));
  return {position: pos, size: message.size, message, records};
}

function checkCrc(m: LegacyMessage, pos: number, verify: boolean): void {
  if (verify && !m.crcValid) {
    throw new CorruptRecordError(`legacy message at offset ${m.offset} (byte ${pos}) is corrupt: stored CRC ${m.crc} does not match its contents`);
  }
}

function toRecord(m: LegacyMessage, offset: bigint, timestamp: bigint): KafkaRecord {
  return {offset, timestamp, key: m.key, value: m.value, headers: [], attributes: m.attributes, sequence: -1};
}
