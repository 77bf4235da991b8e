/** A consumed record, the same whichever client fetched it (own fetcher or kafkajs group consumer). */
export interface ConsumedRecord {
  topic: string;
  partition: number;
  offset: bigint;
  /** Epoch ms; -1 when the record has none (magic 0). */
  timestamp: bigint;
  timestampType: 'create' | 'log-append' | 'none';
  key: Buffer | null;
  value: Buffer | null;
  headers: Array<{key: string; value: Buffer | null}>;
}
