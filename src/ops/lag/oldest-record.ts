/**
 * The timestamp of the record at an offset, from the bytes a small Fetch returned. The fetch
 * starts at the batch holding the offset; when the whole batch came back its records are decoded
 * and the record itself is used, otherwise (a partial batch, cut at partition_max_bytes) the
 * batch header's first timestamp is the best there is, and it is labelled `batch`.
 */
import {ATTR_CONTROL, ATTR_TIMESTAMP_TYPE, BATCH_HEADER_SIZE, OFFSET_MAGIC, readBatchHeader} from '../../records/batch-header.js';
import {decodeBatch} from '../../records/batch.js';
import type {OldestRecord} from './types.js';

export async function recordTimestampAt(bytes: Buffer | null, offset: bigint): Promise<OldestRecord | null> {
  if (!bytes) return null;
  let pos = 0;
  while (bytes.length - pos >= BATCH_HEADER_SIZE) {
    if (bytes.readInt8(pos + OFFSET_MAGIC) !== 2) return null; // legacy entries carry no batch timestamps
    const header = readBatchHeader(bytes, pos);
    const size = header.batchLength + 12;
    const lastOffset = header.baseOffset + BigInt(header.lastOffsetDelta);
    if (lastOffset < offset || (header.attributes & ATTR_CONTROL) !== 0) {
      pos += size;
      continue;
    }
    if ((header.attributes & ATTR_TIMESTAMP_TYPE) !== 0) return {timestampMs: Number(header.maxTimestamp), precision: 'record'};
    if (pos + size <= bytes.length) {
      try {
        const batch = await decodeBatch(bytes, pos, {verifyCrc: false});
        const record = batch.records.find((r) => r.offset >= offset);
        if (record && record.timestamp >= 0n) return {timestampMs: Number(record.timestamp), precision: 'record'};
      } catch {
        // An undecodable batch still has a usable header timestamp.
      }
    }
    return header.baseTimestamp >= 0n ? {timestampMs: Number(header.baseTimestamp), precision: 'batch'} : null;
  }
  return null;
}
