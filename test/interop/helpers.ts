/**
 * Interop helpers: kafkajs codec adapters over the project's own compression module, and a
 * read-back of a whole partition through the project's codec (Fetch v12) for byte comparisons.
 */
import {CompressionCodecs, CompressionTypes} from 'kafkajs';
import {ApiKey} from '../../src/protocol/api.js';
import {CompressionType} from '../../src/records/batch-header.js';
import {decodeBatch, iterateBatches} from '../../src/records/batch.js';
import {compress, decompress} from '../../src/records/compression.js';
import type {KafkaRecord} from '../../src/records/record.js';
import {WireClient} from '../broker/helpers/wire-client.js';

/** kafkajs ships only gzip; give it snappy, lz4 and zstd backed by src/records/compression.ts. */
export function registerKafkajsCodecs(): void {
  const adapter = (type: CompressionType) => () => ({
    compress: (encoder: {buffer: Buffer}) => compress(type, encoder.buffer),
    decompress: (buffer: Buffer) => decompress(type, buffer),
  });
  const codecs = CompressionCodecs as unknown as Record<number, unknown>;
  codecs[CompressionTypes.Snappy] = adapter(CompressionType.Snappy);
  codecs[CompressionTypes.LZ4] = adapter(CompressionType.Lz4);
  codecs[CompressionTypes.ZSTD] = adapter(CompressionType.Zstd);
}

/** Every record of a partition from `fromOffset` to the high watermark; `codecs` collects batch compression types. */
export async function readPartition(port: number, topic: string, partition: number, fromOffset = 0n,
  codecs?: Set<number>): Promise<KafkaRecord[]> {
  const client = await WireClient.connect(port);
  const out: KafkaRecord[] = [];
  try {
    let offset = fromOffset;
    for (;;) {
      const res = await client.request(ApiKey.Fetch, 12, {
        replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 4 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
        topics: [{topic, partitions: [{partition, currentLeaderEpoch: -1, fetchOffset: offset, logStartOffset: -1, partitionMaxBytes: 4 << 20}]}],
        forgottenTopicsData: [], rackId: '',
      });
      const part = res.responses[0].partitions[0];
      if (part.errorCode !== 0) throw new Error(`fetch ${topic}-${partition}@${offset} failed with error ${part.errorCode}`);
      for (const entry of iterateBatches(part.records)) {
        codecs?.add(entry.header.attributes & 0x07);
        const batch = await decodeBatch(part.records, entry.position);
        for (const r of batch.records) if (r.offset >= offset) out.push(r);
        offset = entry.header.baseOffset + BigInt(entry.header.lastOffsetDelta) + 1n;
      }
      if (offset >= part.highWatermark) return out;
    }
  } finally {
    client.close();
  }
}
