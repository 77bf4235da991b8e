/**
 * A topic's compression.type applied to a produced v2 batch, as Kafka's LogValidator does when
 * the topic's codec is not `producer` and differs from the batch's (`uncompressed` is a codec
 * too): validateMessagesAndAssignOffsetsCompressed gives up in-place assignment and
 * buildRecordsAndAssignOffsets writes a new batch in the topic's codec, at the topic's
 * compression.<codec>.level (Kafka 3.8+, KIP-390).
 *
 * Kept, as MemoryRecordsBuilder keeps them: producer id, epoch, base sequence, the transactional
 * flag, and each record's timestamp (absolute: the new base timestamp is the first record's, so
 * the deltas may differ), key, value and headers. Offsets are renumbered 0..n-1 (appendWithOffset),
 * the max timestamp is the records' largest (CreateTime; the append stamps LogAppendTime where the
 * topic asks, as for any batch). An uncompressed control batch stays as it is (Kafka does not
 * compress control records unless they were written compressed). The new batch must fit
 * max.message.bytes, as Kafka re-checks sizes after a conversion.
 */
import {ATTR_COMPRESSION_MASK, ATTR_CONTROL, ATTR_TRANSACTIONAL, CompressionType, OFFSET_ATTRIBUTES} from './batch-header.js';
import {decodeBatch, encodeBatch} from './batch.js';
import {parseCompressionType} from './compression.js';
import {RecordErrorCode, RecordValidationError} from './errors.js';

/** The codec (and its level) a topic stores batches in. */
export interface TargetCompression {
  type: CompressionType;
  /** compression.<codec>.level; undefined: the codec's default. */
  level: number | undefined;
}

/** The levels a topic configures, as its compression.<codec>.level values. */
export interface CompressionLevels {
  gzip?: number;
  zstd?: number;
}

/**
 * The target of a topic's compression.type: null for `producer` (batches keep the producer's
 * codec). lz4 takes no level here (see compression.ts), snappy has none.
 */
export function targetCompression(compressionType: string, levels: CompressionLevels = {}): TargetCompression | null {
  if (compressionType === 'producer') return null;
  const type = parseCompressionType(compressionType);
  let level: number | undefined;
  // gzip's default -1 is zlib's Z_DEFAULT_COMPRESSION too (Deflater.DEFAULT_COMPRESSION in Kafka).
  if (type === CompressionType.Gzip) level = levels.gzip;
  if (type === CompressionType.Zstd) level = levels.zstd;
  return {type, level};
}

/** Whether the produced v2 `batch` must be rewritten to be stored in `target`. */
export function needsRecompression(batch: Buffer, target: TargetCompression | null): boolean {
  if (target === null) return false;
  const attributes = batch.readInt16BE(OFFSET_ATTRIBUTES);
  const codec = attributes & ATTR_COMPRESSION_MASK;
  if (codec === target.type) return false;
  return !(codec === CompressionType.None && (attributes & ATTR_CONTROL) !== 0);
}

/**
 * The validated produced v2 `batch` (one batch, CRC checked) rewritten in `target`; `where`
 * ("topic-partition") names the partition in the MESSAGE_TOO_LARGE message.
 */
export async function recompressBatch(batch: Buffer, target: TargetCompression, maxMessageBytes: number, where: string): Promise<Buffer> {
  const {header, records} = await decodeBatch(batch, 0, {verifyCrc: false});
  const out = await encodeBatch({
    records: records.map((r) => ({key: r.key, value: r.value, headers: r.headers, timestamp: r.timestamp})),
    compression: target.type,
    compressionLevel: target.level,
    producerId: header.producerId,
    producerEpoch: header.producerEpoch,
    baseSequence: header.baseSequence,
    transactional: (header.attributes & ATTR_TRANSACTIONAL) !== 0,
  });
  checkConvertedSize(out, maxMessageBytes, where);
  return out;
}

/** Kafka's check of a batch the broker rewrote (UnifiedLog.append, messageSizeMaybeChanged). */
export function checkConvertedSize(batch: Buffer, maxMessageBytes: number, where: string): void {
  if (batch.length <= maxMessageBytes) return;
  throw new RecordValidationError(RecordErrorCode.MESSAGE_TOO_LARGE, `Message batch size is ${batch.length} bytes in append to partition `
    + `${where} which exceeds the maximum configured size of ${maxMessageBytes}.`);
}
