/** Options of a dump, named after kafka-dump-log.sh's flags, and how they imply each other. */

export type ValueDecoderName = 'string' | 'hex' | 'base64' | 'json';
export const VALUE_DECODERS: ValueDecoderName[] = ['string', 'hex', 'base64', 'json'];

export interface DumpOptions {
  printDataLog?: boolean;
  deepIteration?: boolean;
  skipRecordMetadata?: boolean;
  verifyIndexOnly?: boolean;
  indexSanityCheck?: boolean;
  /** Read only the first N bytes of each .log (Kafka: Integer.MAX_VALUE when unset). */
  maxBytes?: number;
  /** Bytes read at each index position to find the batch there (Kafka default 5 MiB). */
  maxMessageSize?: number;
  offsetsDecoder?: boolean;
  transactionLogDecoder?: boolean;
  keyDecoder?: ValueDecoderName;
  valueDecoder?: ValueDecoderName;
  /** Chunk size for streamed reads (tests use small chunks to cross chunk boundaries). */
  chunkBytes?: number;
}

export const INT_MAX = 0x7fffffff;
export const DEFAULT_MAX_MESSAGE_SIZE = 5 * 1024 * 1024;

export interface ResolvedOptions {
  printDataLog: boolean;
  deepIteration: boolean;
  skipRecordMetadata: boolean;
  verifyIndexOnly: boolean;
  indexSanityCheck: boolean;
  maxBytes: number;
  maxBytesSet: boolean;
  maxMessageSize: number;
  parser: 'offsets' | 'transaction-log' | 'decoders';
  keyDecoder: ValueDecoderName;
  valueDecoder: ValueDecoderName;
  chunkBytes?: number;
}

/** Kafka's implications: any decoder implies --print-data-log, which implies --deep-iteration. */
export function resolveOptions(o: DumpOptions): ResolvedOptions {
  const anyDecoder = Boolean(o.offsetsDecoder || o.transactionLogDecoder || o.keyDecoder || o.valueDecoder);
  const printDataLog = Boolean(o.printDataLog) || anyDecoder;
  const maxBytesSet = o.maxBytes !== undefined && o.maxBytes !== INT_MAX;
  return {
    printDataLog,
    deepIteration: Boolean(o.deepIteration) || printDataLog,
    skipRecordMetadata: Boolean(o.skipRecordMetadata),
    verifyIndexOnly: Boolean(o.verifyIndexOnly),
    indexSanityCheck: Boolean(o.indexSanityCheck),
    maxBytes: o.maxBytes ?? INT_MAX,
    maxBytesSet,
    maxMessageSize: o.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE,
    // Kafka's precedence: offsets, then transaction log, then the key/value decoders.
    parser: o.offsetsDecoder ? 'offsets' : o.transactionLogDecoder ? 'transaction-log' : 'decoders',
    keyDecoder: o.keyDecoder ?? 'string',
    valueDecoder: o.valueDecoder ?? 'string',
    chunkBytes: o.chunkBytes,
  };
}
