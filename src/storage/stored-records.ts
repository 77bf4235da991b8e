/**
 * The records of one v2 batch read back from a segment, for the reads that must look inside a
 * batch (ListOffsets by timestamp and MAX_TIMESTAMP). The batch's header was checked by the scan
 * that found it; what fails here fails as Kafka's record iterator does (DefaultRecord.readFrom,
 * DefaultRecordBatch's iterators): a record that does not parse is an InvalidRecordException
 * (INVALID_RECORD), data that does not decompress a KafkaException (UNKNOWN_SERVER_ERROR).
 */
import {ATTR_COMPRESSION_MASK, BATCH_HEADER_SIZE, CompressionType, readBatchHeader} from '../records/batch-header.js';
import {recordContextOf} from '../records/batch.js';
import {decompress} from '../records/compression.js';
import {CorruptRecordError} from '../records/errors.js';
import {decodeRecords, type KafkaRecord} from '../records/record.js';
import {ErrorCode} from '../protocol/error-codes.js';
import {UnreadableRecordsError} from './errors.js';

/** Records of the whole v2 batch in `batch`; `where` names it in errors ("file at byte N"). */
export async function storedRecords(batch: Buffer, where: string): Promise<KafkaRecord[]> {
  const header = readBatchHeader(batch, 0);
  const at = `record batch at offset ${header.baseOffset} in ${where}`;
  if (header.recordCount < 0) {
    throw new UnreadableRecordsError(`${at}: Found invalid record count ${header.recordCount}`, ErrorCode.INVALID_RECORD);
  }
  const compression = (header.attributes & ATTR_COMPRESSION_MASK) as CompressionType;
  let data = batch.subarray(BATCH_HEADER_SIZE);
  if (compression !== CompressionType.None) {
    try {
      data = await decompress(compression, data);
    } catch (err) {
      throw new UnreadableRecordsError(`${at}: Failed to decompress record stream: ${(err as Error).message}`, ErrorCode.UNKNOWN_SERVER_ERROR, err);
    }
  }
  try {
    return decodeRecords(data, 0, data.length, header.recordCount, recordContextOf(header));
  } catch (err) {
    if (!(err instanceof CorruptRecordError)) throw err;
    throw new UnreadableRecordsError(`${at}: Found invalid record structure: ${err.message}`, ErrorCode.INVALID_RECORD, err);
  }
}
