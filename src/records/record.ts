/**
 * One record of a v2 RecordBatch (Kafka's DefaultRecord):
 *
 *   length varint (bytes after this field) | attributes int8 | timestampDelta varlong
 *   offsetDelta varint | keyLength varint (-1 = null) | key | valueLength varint (-1 = null) | value
 *   headerCount varint | headers: keyLength varint, key (UTF-8, never null), valueLength varint, value
 *
 * Decoded keys, values and header values are views into the batch buffer (no copies): dump-segment
 * decodes GiBs, and a record is usually consumed before its batch is dropped.
 */
import {CorruptRecordError} from './errors.js';
import {Cursor, sizeOfVarint, sizeOfVarlong, writeVarint, writeVarlong} from './varint.js';

export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

export interface KafkaRecord {
  offset: bigint;
  timestamp: bigint;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
  attributes: number;
  /** Producer sequence of this record (baseSequence + offsetDelta), -1 without idempotence. */
  sequence: number;
}

/** Batch fields every record of the batch needs to turn its deltas into absolute values. */
export interface RecordContext {
  baseOffset: bigint;
  baseTimestamp: bigint;
  /** Set for LogAppendTime batches: every record's timestamp is the batch's maxTimestamp. */
  logAppendTime: bigint | null;
  baseSequence: number;
}

/** Decode `count` records from `data[pos, end)`; the bytes must be exactly those records. */
export function decodeRecords(data: Buffer, pos: number, end: number, count: number, ctx: RecordContext): KafkaRecord[] {
  const records: KafkaRecord[] = new Array(count);
  const cur = new Cursor(data, pos, end);
  for (let i = 0; i < count; i++) {
    if (cur.remaining() <= 0) {
      throw new CorruptRecordError(`batch declares ${count} records but its data ends after ${i}`);
    }
    records[i] = decodeRecord(cur, ctx);
  }
  if (cur.remaining() !== 0) {
    throw new CorruptRecordError(`${cur.remaining()} bytes left over after the ${count} records the batch declares`);
  }
  return records;
}

function decodeRecord(cur: Cursor, ctx: RecordContext): KafkaRecord {
  const bodySize = cur.readVarint();
  const bodyStart = cur.pos;
  const outerEnd = cur.end;
  if (bodySize < 0 || bodyStart + bodySize > outerEnd) {
    throw new CorruptRecordError(`record at byte ${bodyStart} declares ${bodySize} bytes but ${outerEnd - bodyStart} remain`);
  }
  // Narrow the cursor to this record so a bad inner length cannot read into the next record.
  cur.end = bodyStart + bodySize;
  const attributes = cur.readInt8();
  const timestampDelta = cur.readVarlong();
  const offsetDelta = cur.readVarint();
  const keyLen = cur.readVarint();
  const key = keyLen < 0 ? null : cur.readBytes(keyLen);
  const valueLen = cur.readVarint();
  const value = valueLen < 0 ? null : cur.readBytes(valueLen);
  const headerCount = cur.readVarint();
  if (headerCount < 0) throw new CorruptRecordError(`invalid record header count ${headerCount}`);
  const headers: RecordHeader[] = [];
  for (let h = 0; h < headerCount; h++) {
    const hKeyLen = cur.readVarint();
    if (hKeyLen < 0) throw new CorruptRecordError(`invalid negative header key size ${hKeyLen}`);
    const hKeyStart = cur.pos;
    cur.skip(hKeyLen);
    const hKey = cur.buf.toString('utf8', hKeyStart, cur.pos);
    const hValueLen = cur.readVarint();
    headers.push({key: hKey, value: hValueLen < 0 ? null : cur.readBytes(hValueLen)});
  }
  if (cur.remaining() !== 0) {
    throw new CorruptRecordError(`record at byte ${bodyStart} declares ${bodySize} bytes but its fields use ${bodySize - cur.remaining()}`);
  }
  cur.end = outerEnd;
  return {
    offset: ctx.baseOffset + BigInt(offsetDelta),
    timestamp: ctx.logAppendTime ?? ctx.baseTimestamp + BigInt(timestampDelta),
    key,
    value,
    headers,
    attributes,
    sequence: ctx.baseSequence < 0 ? -1 : sequenceAt(ctx.baseSequence, offsetDelta),
  };
}

/** Kafka's DefaultRecordBatch.incrementSequence: sequences wrap from Int.MAX to 0. */
export function sequenceAt(baseSequence: number, delta: number): number {
  if (baseSequence > 0x7fffffff - delta) return delta - (0x7fffffff - baseSequence) - 1;
  return baseSequence + delta;
}

/** A record to encode: deltas are relative to the batch's base offset and base timestamp. */
export interface RecordToEncode {
  offsetDelta: number;
  timestampDelta: bigint;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
}

/** Size of the record body (everything after the length varint). */
export function recordBodySize(r: RecordToEncode): number {
  let size = 1 + sizeOfVarlong(r.timestampDelta) + sizeOfVarint(r.offsetDelta);
  size += r.key === null ? 1 : sizeOfVarint(r.key.length) + r.key.length;
  size += r.value === null ? 1 : sizeOfVarint(r.value.length) + r.value.length;
  size += sizeOfVarint(r.headers.length);
  for (const h of r.headers) {
    const keyLen = Buffer.byteLength(h.key, 'utf8');
    size += sizeOfVarint(keyLen) + keyLen;
    size += h.value === null ? 1 : sizeOfVarint(h.value.length) + h.value.length;
  }
  return size;
}

/** Total encoded size of a record whose body is `bodySize` bytes. */
export function recordSize(bodySize: number): number {
  return sizeOfVarint(bodySize) + bodySize;
}

/** Write the record at `pos` (the buffer has room) and return the position after it. */
export function writeRecord(buf: Buffer, pos: number, r: RecordToEncode, bodySize: number): number {
  pos = writeVarint(buf, pos, bodySize);
  buf[pos++] = 0; // record attributes: unused by Kafka
  pos = writeVarlong(buf, pos, r.timestampDelta);
  pos = writeVarint(buf, pos, r.offsetDelta);
  pos = writeNullableBytes(buf, pos, r.key);
  pos = writeNullableBytes(buf, pos, r.value);
  pos = writeVarint(buf, pos, r.headers.length);
  for (const h of r.headers) {
    const keyLen = Buffer.byteLength(h.key, 'utf8');
    pos = writeVarint(buf, pos, keyLen);
    pos += buf.write(h.key, pos, keyLen, 'utf8');
    pos = writeNullableBytes(buf, pos, h.value);
  }
  return pos;
}

function writeNullableBytes(buf: Buffer, pos: number, data: Buffer | null): number {
  if (data === null) return writeVarint(buf, pos, -1);
  pos = writeVarint(buf, pos, data.length);
  return pos + data.copy(buf, pos);
}
