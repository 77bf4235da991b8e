/**
 * kafkajs ships only gzip. Register snappy, lz4 and zstd backed by the project's own codecs
 * (src/records/compression.ts), so that produce can write and a kafkajs consumer can read every
 * codec Kafka has, with the same wire formats the broker and the Java client use.
 */
import kafkajs, {CompressionTypes} from 'kafkajs';
import {CompressionType} from '../../records/batch-header.js';
import {compress, decompress} from '../../records/compression.js';
import {UsageError} from '../../output/errors.js';

export const COMPRESSION_NAMES = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
export type CompressionName = (typeof COMPRESSION_NAMES)[number];

let registered = false;

export function registerCompressionCodecs(): void {
  if (registered) return;
  const adapter = (type: CompressionType) => () => ({
    compress: (encoder: {buffer: Buffer}) => compress(type, encoder.buffer),
    decompress: (buffer: Buffer) => decompress(type, buffer),
  });
  // CompressionCodecs is reached through the default export: Node's CommonJS export detection
  // does not see it as a named export. kafkajs types it as a closed record; it is a plain mutable object at runtime.
  const codecs = kafkajs.CompressionCodecs as unknown as Record<number, unknown>;
  codecs[CompressionTypes.Snappy] = adapter(CompressionType.Snappy);
  codecs[CompressionTypes.LZ4] = adapter(CompressionType.Lz4);
  codecs[CompressionTypes.ZSTD] = adapter(CompressionType.Zstd);
  registered = true;
}

/** kafkajs' compression id for a codec name. */
export function kafkajsCompression(name: string): CompressionTypes {
  switch (name.toLowerCase()) {
    case 'none': return CompressionTypes.None;
    case 'gzip': return CompressionTypes.GZIP;
    case 'snappy': return CompressionTypes.Snappy;
    case 'lz4': return CompressionTypes.LZ4;
    case 'zstd': return CompressionTypes.ZSTD;
    default: throw new UsageError(`unknown compression "${name}"`, `Use one of ${COMPRESSION_NAMES.join(', ')}`);
  }
}
