/**
 * --offsets-decoder and --transaction-log-decoder, as Kafka 3.8+/4.x print them:
 *   key:     {"type":"<record type = key version>","data":{...}}
 *   payload: {"version":"<value version>","data":{...}}, or <DELETE> for a tombstone
 * Group metadata of protocol type "consumer" shows each member's subscription and assignment
 * decoded (ConsumerProtocolSubscription/Assignment), keeping the base64 bytes when they do not
 * decode. Decoding errors become the key text, as in Kafka.
 */
import {decodeMessage} from '../../protocol/codec.js';
import {Reader} from '../../protocol/reader.js';
import {inRange} from '../../protocol/schema.js';
import {kafkaJson, messageSchema, type FieldOverride} from './kafka-json.js';
import type {ParsedContent, RecordParser} from './record-parser.js';

/** Decode a versioned "data" message at `offset`. */
export function decodeData(schemaName: string, version: number, buf: Buffer, offset = 0): Record<string, unknown> {
  const schema = messageSchema(schemaName);
  if (!inRange(schema.validVersions, version)) {
    throw new Error(`Unknown version ${version} of ${schemaName} (valid versions ${schema.validVersions[0]}-${schema.validVersions[1]})`);
  }
  return decodeMessage(schema, version, new Reader(buf, offset));
}

/** JSON of a KRaft control record value (version int16 + message), undefined if it does not decode. */
export function controlMessageJson(schemaName: string, value: Buffer): string | undefined {
  try {
    const version = value.readInt16BE(0);
    return kafkaJson(schemaName, version, decodeData(schemaName, version, value, 2));
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
      return kafkaJson(schema, version, decodeData(schema, version, value, 2));
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
      const key = `{"type":"${type}","data":${kafkaJson(t.key, type, decodeData(t.key, type, record.key, 2))}}`;
      if (record.value === null) return {key, payload: '<DELETE>'};
      const version = record.value.readInt16BE(0);
      const value = decodeData(t.value, version, record.value, 2);
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
