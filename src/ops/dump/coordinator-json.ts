/**
 * --offsets-decoder and --transaction-log-decoder, as Kafka 3.8+/4.x print them:
 *   key:     {"type":"<record type = key version>","data":{...}}
 *   payload: {"version":"<value version>","data":{...}}, or <DELETE> for a tombstone
 * Group metadata of protocol type "consumer" shows each member's subscription and assignment
 * decoded (ConsumerProtocolSubscription/Assignment), keeping the base64 bytes when they do not
 * decode. Decoding errors become the key text, as in Kafka.
 */
import {decodeData} from '../../protocol/api.js';
import {kafkaJson, type FieldOverride} from './kafka-json.js';
import type {ParsedContent, RecordParser} from './record-parser.js';

/**
 * JSON of a KRaft control record value. These messages carry their own `version` field and Kafka
 * reads them at version 0 (ControlRecordUtils' current versions), writing the JSON at that field's
 * version. Undefined when the value does not decode.
 */
export function controlMessageJson(schemaName: string, value: Buffer): string | undefined {
  try {
    const message = decodeData<Record<string, unknown>>(schemaName, 0, value, 0);
    const version = typeof message.version === 'number' ? message.version : 0;
    return kafkaJson(schemaName, version, message);
  } catch {
    return undefined;
  }
}

interface RecordTypes { key: string; value: string }

const GROUP_TYPES: Record<number, RecordTypes> = {
  0: {key: 'OffsetCommitKey', value: 'OffsetCommitValue'},
  1: {key: 'OffsetCommitKey', value: 'OffsetCommitValue'},
  2: {key: 'GroupMetadataKey', value: 'GroupMetadataValue'},
};
const TRANSACTION_TYPES: Record<number, RecordTypes> = {
  0: {key: 'TransactionLogKey', value: 'TransactionLogValue'},
};

/** Replace member subscription/assignment bytes by their decoded JSON (consumer groups only). */
function consumerProtocolOverride(obj: Record<string, unknown>): FieldOverride | undefined {
  if (obj.protocolType !== 'consumer') return undefined;
  return (path, value) => {
    const schema = path === 'members.subscription' ? 'ConsumerProtocolSubscription'
      : path === 'members.assignment' ? 'ConsumerProtocolAssignment' : undefined;
    if (!schema || !Buffer.isBuffer(value)) return undefined;
    try {
      const version = value.readInt16BE(0);
      return kafkaJson(schema, version, decodeData<Record<string, unknown>>(schema, version, value, 2));
    } catch {
      return undefined;
    }
  };
}

function coordinatorParser(types: Record<number, RecordTypes>): RecordParser {
  return (record) => {
    if (record.key === null) {
      return {key: `Error at offset ${record.offset}, skipping. Failed to decode message at offset ${record.offset} using the specified decoder (message had a missing key)`};
    }
    try {
      const type = record.key.readInt16BE(0);
      const t = types[type];
      if (!t) return {key: `Unknown record type ${type} at offset ${record.offset}, skipping.`};
      const key = `{"type":"${type}","data":${kafkaJson(t.key, type, decodeData<Record<string, unknown>>(t.key, type, record.key, 2))}}`;
      if (record.value === null) return {key, payload: '<DELETE>'};
      const version = record.value.readInt16BE(0);
      const value = decodeData<Record<string, unknown>>(t.value, version, record.value, 2);
      const data = kafkaJson(t.value, version, value, consumerProtocolOverride(value));
      return {key, payload: `{"version":"${version}","data":${data}}`};
    } catch (err) {
      return {key: `Error at offset ${record.offset}, skipping. ${err instanceof Error ? err.message : String(err)}`};
    }
  };
}

export const offsetsParser: RecordParser = coordinatorParser(GROUP_TYPES);
export const transactionLogParser: RecordParser = coordinatorParser(TRANSACTION_TYPES);
export type {ParsedContent};
