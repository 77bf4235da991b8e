/** How a record's key and value become the printed `key:` and `payload:` texts (Kafka's MessageParser). */
import type {ResolvedOptions} from './options.js';
import {bytesDecoder} from './value-decoders.js';

export interface ParsedContent { key?: string; payload?: string }
export type RecordParser = (record: {offset: bigint; key: Buffer | null; value: Buffer | null}) => ParsedContent;

export function decoderParser(options: Pick<ResolvedOptions, 'keyDecoder' | 'valueDecoder'>): RecordParser {
  const key = bytesDecoder(options.keyDecoder);
  const value = bytesDecoder(options.valueDecoder);
  return (r) => ({
    key: r.key === null ? undefined : key(r.key),
    payload: r.value === null ? undefined : value(r.value),
  });
}
