/**
 * The records of one partition's Fetch response, as a consumer sees them: batches before the
 * fetch offset trimmed (a compressed batch is returned whole even when the fetch starts inside
 * it), control batches (transaction markers) skipped, and, at read_committed, records of aborted
 * transactions dropped using the response's aborted-transaction list, as Kafka's Fetcher does.
 */
import {ATTR_TIMESTAMP_TYPE, isControl, isTransactional, lastOffsetOf} from '../../records/batch-header.js';
import {decodeBatch, iterateBatches} from '../../records/batch.js';
import {decodeControlKey, ControlRecordType} from '../../records/control.js';
import {decodeLegacyEntry} from '../../records/legacy.js';
import type {ConsumedRecord} from './record.js';

export interface AbortedTransaction {
  producerId: bigint;
  firstOffset: bigint;
}

export interface DecodedFetch {
  records: ConsumedRecord[];
  /** Where the next fetch of this partition starts. */
  nextOffset: bigint;
}

export async function decodeFetchedRecords(topic: string, partition: number, data: Buffer | null, fetchOffset: bigint,
  aborted: AbortedTransaction[] = []): Promise<DecodedFetch> {
  const records: ConsumedRecord[] = [];
  let nextOffset = fetchOffset;
  if (!data || data.length === 0) return {records, nextOffset};
  // Aborted transactions by first offset; a producer's transaction becomes "aborting" once the
  // fetch reaches its first offset, and stops being so at the producer's abort marker.
  const pendingAborts = [...aborted].sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : a.firstOffset > b.firstOffset ? 1 : 0));
  const aborting = new Set<bigint>();
  for (const entry of iterateBatches(data)) {
    const h = entry.header;
    const last = lastOffsetOf(h);
    if (last < fetchOffset) continue;
    while (pendingAborts.length > 0 && pendingAborts[0]!.firstOffset <= last) aborting.add(pendingAborts.shift()!.producerId);
    nextOffset = last + 1n;
    if (h.magic < 2) {
      const legacy = await decodeLegacyEntry(data, entry.position);
      const type = legacy.message.timestampType === 'append' ? 'log-append' : legacy.message.timestampType;
      for (const r of legacy.records) {
        if (r.offset >= fetchOffset) records.push({topic, partition, offset: r.offset, timestamp: r.timestamp, timestampType: type, key: r.key, value: r.value, headers: []});
      }
      continue;
    }
    if (isControl(h.attributes)) {
      if (aborting.has(h.producerId)) {
        const batch = await decodeBatch(data, entry.position);
        if (batch.records.some((r) => decodeControlKey(r.key).type === ControlRecordType.Abort)) aborting.delete(h.producerId);
      }
      continue;
    }
    if (isTransactional(h.attributes) && aborting.has(h.producerId)) continue;
    const batch = await decodeBatch(data, entry.position);
    const timestampType = (h.attributes & ATTR_TIMESTAMP_TYPE) !== 0 ? 'log-append' : 'create';
    for (const r of batch.records) {
      if (r.offset < fetchOffset) continue;
      records.push({topic, partition, offset: r.offset, timestamp: r.timestamp, timestampType, key: r.key, value: r.value, headers: r.headers});
    }
  }
  return {records, nextOffset};
}
