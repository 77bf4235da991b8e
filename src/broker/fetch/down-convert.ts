/**
 * What KafkaApis.handleFetchRequest does to old fetchers' partition data (maybeConvertFetchedData),
 * applied to Fetch v0-v9 only, so v10+ pays nothing:
 * - a topic with compression.type=zstd is UNSUPPORTED_COMPRESSION_TYPE below v10 (KIP-110: those
 *   clients cannot read zstd);
 * - v0-v1 get magic 0 message sets, v2-v3 magic 1 (records/legacy-encode.ts);
 * - KAFKA_STORAGE_ERROR becomes NOT_LEADER_OR_FOLLOWER up to v5, which old clients retry.
 * A converted partition's read buffer (possibly pooled) is given back: the response holds the copy.
 */
import {ErrorCode} from '../../protocol/error-codes.js';
import {downConvert, fetchMagic} from '../../records/legacy-encode.js';
import {readBuffers} from '../../storage/read-buffers.js';
import {topicConfigValue} from '../config/index.js';
import type {BrokerServices} from '../handler.js';
import type {PartitionRead} from './read-partitions.js';

/** The first Fetch version that reads zstd (KIP-110). */
const ZSTD_FETCH_VERSION = 10;
const STORAGE_ERROR_CONVERSION_MAX_VERSION = 5;
const EMPTY = Buffer.alloc(0);

export function needsConversion(version: number): boolean {
  return version < ZSTD_FETCH_VERSION;
}

export async function convertForOldFetcher(reads: PartitionRead[], version: number, broker: BrokerServices): Promise<PartitionRead[]> {
  const magic = fetchMagic(version);
  return Promise.all(reads.map(async (r): Promise<PartitionRead> => {
    if (r.topic && topicConfigValue('compression.type', r.topic.configs, broker.config) === 'zstd') {
      return errorRead(r, ErrorCode.UNSUPPORTED_COMPRESSION_TYPE);
    }
    if (r.errorCode === ErrorCode.KAFKA_STORAGE_ERROR && version <= STORAGE_ERROR_CONVERSION_MAX_VERSION) {
      return {...r, errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER};
    }
    if (magic === null || r.errorCode !== ErrorCode.NONE || r.records.length === 0) return r;
    let converted;
    try {
      converted = await downConvert(r.records, magic, r.target.fetchOffset);
    } catch {
      // Corrupt data in the log: what a read that fails returns.
      return errorRead(r, version <= STORAGE_ERROR_CONVERSION_MAX_VERSION ? ErrorCode.NOT_LEADER_OR_FOLLOWER : ErrorCode.KAFKA_STORAGE_ERROR);
    }
    readBuffers.give(r.records);
    return converted.unsupportedCompression ? errorRead(r, ErrorCode.UNSUPPORTED_COMPRESSION_TYPE) : {...r, records: converted.records};
  }));
}

/** FetchResponse.partitionResponse(tp, error): no offsets, no records. */
function errorRead(r: PartitionRead, errorCode: number): PartitionRead {
  readBuffers.give(r.records);
  return {...r, errorCode, highWatermark: -1n, lastStableOffset: -1n, logStartOffset: -1n, records: EMPTY};
}
