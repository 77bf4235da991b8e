/**
 * Deep view of a legacy (magic 0/1) entry for the record lines: like records/legacy.ts's
 * decodeLegacyEntry, but keeping each message's own CRC and validity, which Kafka prints
 * (`isValid: ... crc: ...`) for every legacy record.
 */
import {CompressionType} from '../../records/batch-header.js';
import {decompress} from '../../records/compression.js';
import {readLegacyMessage, type LegacyMessage} from '../../records/legacy.js';

export interface LegacyRecordView {
  offset: bigint;
  timestamp: bigint;
  key: Buffer | null;
  value: Buffer | null;
  crc: number;
  crcValid: boolean;
}

function view(m: LegacyMessage, offset: bigint, timestamp: bigint): LegacyRecordView {
  return {offset, timestamp, key: m.key, value: m.value, crc: m.crc, crcValid: m.crcValid};
}

export async function legacyRecords(buf: Buffer): Promise<LegacyRecordView[]> {
  const outer = readLegacyMessage(buf, 0);
  if (outer.compression === CompressionType.None) return [view(outer, outer.offset, outer.timestamp)];
  if (outer.value === null) throw new Error('compressed legacy message has a null value');
  const data = await decompress(outer.compression, outer.value, {legacyLz4HeaderChecksum: outer.magic === 0});
  const inner: LegacyMessage[] = [];
  for (let p = 0; p < data.length; p += inner[inner.length - 1]!.size) inner.push(readLegacyMessage(data, p));
  if (inner.length === 0) return [];
  // Magic 1 inner offsets are relative; the wrapper carries the absolute offset of the last one.
  const shift = outer.magic === 0 ? 0n : outer.offset - inner[inner.length - 1]!.offset;
  return inner.map((m) => view(m, m.offset + shift, outer.timestampType === 'append' ? outer.timestamp : m.timestamp));
}
