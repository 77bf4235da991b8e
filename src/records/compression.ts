/**
 * The compression codecs of Kafka record batches (attributes bits 0-2).
 *
 * Wire formats, as Kafka's Java client writes and reads them:
 * - gzip: RFC 1952 (zlib's gunzip also accepts concatenated members).
 * - snappy: the Java client wraps raw snappy in xerial's stream framing (magic `\x82SNAPPY\0`,
 *   two int32 versions, then `[int32 length][raw snappy block]`, 32 KiB of input per block);
 *   librdkafka and kafkajs may send plain raw snappy. Input is sniffed; output is xerial-framed so
 *   Java consumers (which require the framing) can read it, and librdkafka/kafkajs read it too.
 *   Raw blocks are written by the `snappy` binding and read by this project's decoder
 *   (snappy-block.ts).
 * - lz4: the standard LZ4 frame format with independent blocks (Kafka's Lz4BlockInputStream rejects
 *   dependent blocks). Only magic 0 used a broken header checksum (computed over the magic bytes
 *   too); that variant is accepted on input when asked (legacy decode) and written for magic 0
 *   wrappers (Fetch v0-v1 down-conversion), as Kafka's KafkaLZ4BlockOutputStream does for magic 0.
 *   Frames are written by lz4-napi and read by this project's decoder (lz4-frame.ts).
 * - zstd: standard zstd frames (one or more). Written by @mongodb-js/zstd; read by zstd-napi's
 *   decompression context into a reused buffer (zstd-frames.ts), or by @mongodb-js/zstd where
 *   zstd-napi (an optional dependency) is not installed.
 */
import {promisify} from 'node:util';
import * as zlib from 'node:zlib';
import * as snappy from 'snappy';
import * as lz4 from 'lz4-napi';
import * as zstd from '@mongodb-js/zstd';
import {createRequire} from 'node:module';
import {CompressionType} from './batch-header.js';
import {CorruptRecordError} from './errors.js';
import {xxhash32} from './xxhash32.js';
import {decodeLz4Frame} from './lz4-frame.js';
import {ReusedBuffer, inputBehindOutput} from './reused-buffer.js';
import {decodeSnappyBlock, snappyBlockLength} from './snappy-block.js';
import {zstdFrames} from './zstd-frames.js';
import {zstdThread} from './zstd-thread.js';

/** zstd data from this size is decoded on the second thread when it is free (zstd-thread.ts); smaller data takes longer to hand over than to decode. */
const ZSTD_THREAD_MIN = 64 * 1024;

/**
 * @mongodb-js/zstd 1.x's wrapper drops compress()'s level (its native binding takes it), so
 * compression goes to the binding for compression.zstd.level to apply.
 */
const zstdNative = createRequire(import.meta.url)('@mongodb-js/zstd/bindings.js') as {compress(data: Buffer, level?: number): Promise<Buffer>};

const gzipAsync = promisify(zlib.gzip);
const gunzipAsync = promisify(zlib.gunzip);

/** Below this many bytes the synchronous native call is cheaper than a thread-pool round trip. */
const SYNC_LIMIT = 256 * 1024;

const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER_SIZE = 16;
/** xerial's SnappyOutputStream default block size, the one Kafka's SnappyFactory uses. */
const XERIAL_BLOCK_SIZE = 32 * 1024;

/** Kafka's ZstdCompression.DEFAULT_LEVEL (compression.zstd.level's default). */
const ZSTD_DEFAULT_LEVEL = 3;

export function compressionName(type: CompressionType): string {
  switch (type) {
    case CompressionType.None: return 'none';
    case CompressionType.Gzip: return 'gzip';
    case CompressionType.Snappy: return 'snappy';
    case CompressionType.Lz4: return 'lz4';
    case CompressionType.Zstd: return 'zstd';
    default: return `unknown(${type as number})`;
  }
}

/** Parse a codec name as used by Kafka configs (`compression.type`). */
export function parseCompressionType(name: string): CompressionType {
  switch (name.toLowerCase()) {
    case 'none': case 'uncompressed': return CompressionType.None;
    case 'gzip': return CompressionType.Gzip;
    case 'snappy': return CompressionType.Snappy;
    case 'lz4': return CompressionType.Lz4;
    case 'zstd': return CompressionType.Zstd;
    default: throw new CorruptRecordError(`unknown compression type "${name}" (expected none, gzip, snappy, lz4 or zstd)`);
  }
}

export interface CompressOptions {
  /** Write the magic 0 era LZ4 header checksum (old clients verify it on magic 0 messages). */
  legacyLz4HeaderChecksum?: boolean;
  /**
   * compression.{gzip,zstd}.level (KIP-390); unset: the codec's default (gzip 6, zstd 3), as
   * Kafka's -1 and 3. lz4 and snappy take none: lz4-napi (lz4_flex) has no levels.
   */
  level?: number;
}

export async function compress(type: CompressionType, data: Buffer, options: CompressOptions = {}): Promise<Buffer> {
  switch (type) {
    case CompressionType.None: return data;
    case CompressionType.Gzip: {
      const gzipOptions = {level: options.level ?? zlib.constants.Z_DEFAULT_COMPRESSION};
      return data.length < SYNC_LIMIT ? zlib.gzipSync(data, gzipOptions) : gzipAsync(data, gzipOptions);
    }
    case CompressionType.Snappy: return snappyXerialCompress(data);
    case CompressionType.Lz4: {
      const frame = data.length < SYNC_LIMIT ? lz4.compressFrameSync(data) : await lz4.compressFrame(data);
      return options.legacyLz4HeaderChecksum === true ? withLegacyLz4HeaderChecksum(frame) : frame;
    }
    case CompressionType.Zstd: return zstdCompress(data, options.level ?? ZSTD_DEFAULT_LEVEL);
    default: throw new CorruptRecordError(`unsupported compression type id ${type as number}`);
  }
}

export interface DecompressOptions {
  /** Accept the wrong LZ4 header checksum that Kafka clients wrote for magic 0 messages. */
  legacyLz4HeaderChecksum?: boolean;
}

export async function decompress(type: CompressionType, data: Buffer, options: DecompressOptions = {}): Promise<Buffer> {
  try {
    if (type === CompressionType.None) return data;
    // Copied out of the reused buffer, which the next decode overwrites.
    const scratch = decodeToScratch(type, data, options.legacyLz4HeaderChecksum === true);
    if (scratch) return Buffer.from(scratch);
    switch (type) {
      case CompressionType.Gzip: return data.length < SYNC_LIMIT ? zlib.gunzipSync(data) : await gunzipAsync(data);
      case CompressionType.Zstd: return await zstd.decompress(data);
      default: throw new CorruptRecordError(`unsupported compression type id ${type as number}`);
    }
  } catch (err) {
    throw decompressionError(type, data, err);
  }
}

/** A codec's failure as a CorruptRecordError naming the codec. */
function decompressionError(type: CompressionType, data: Buffer, err: unknown): CorruptRecordError {
  if (err instanceof CorruptRecordError) return err;
  const reason = err instanceof Error ? err.message : String(err);
  return new CorruptRecordError(`cannot decompress ${compressionName(type)} data (${data.length} bytes): ${reason}`, {cause: err});
}

/** Where lz4, snappy and zstd data are decoded: one buffer, reused (its output is used or copied out before the next decode). */
const decodeScratch = new ReusedBuffer();

/**
 * `use` of the decompressed `data`, for a reader that is done with it when `use` returns: `use`
 * must keep no view of its argument. lz4, snappy and zstd data are then decoded into a reused
 * buffer, so the check of such a Produce batch allocates nothing for its records (lz4-frame.ts
 * says why); gzip, and zstd without zstd-napi, come in new buffers. zstd data of 64 KiB or more
 * goes to the second thread when it has a free slot (zstd-thread.ts), so `use` may run while other
 * data is decoded there.
 */
export async function withDecompressed<T>(type: CompressionType, data: Buffer, use: (plain: Buffer) => T): Promise<T> {
  if (type === CompressionType.Zstd && zstdThread && data.length >= ZSTD_THREAD_MIN) {
    const done = await zstdThread.decode(data, use);
    if (done) return done.value;
  }
  let plain: Buffer | undefined;
  try {
    plain = decodeToScratch(type, data, false);
  } catch (err) {
    throw decompressionError(type, data, err);
  }
  return use(plain ?? await decompress(type, data));
}

/**
 * lz4, snappy and (with zstd-napi) zstd data decoded into `decodeScratch`, valid until the next
 * decode; undefined for the other codecs. With `legacyLz4HeaderChecksum` an lz4 frame descriptor's
 * checksum is not checked (magic 0 era messages).
 */
function decodeToScratch(type: CompressionType, data: Buffer, legacyLz4HeaderChecksum: boolean): Buffer | undefined {
  switch (type) {
    case CompressionType.Lz4: return decodeLz4Frame(data, decodeScratch, legacyLz4HeaderChecksum);
    case CompressionType.Snappy: return snappyDecodeToScratch(data);
    case CompressionType.Zstd: return zstdFrames?.decode(data, decodeScratch);
    default: return undefined;
  }
}

async function zstdCompress(data: Buffer, level: number): Promise<Buffer> {
  try {
    return await zstdNative.compress(data, level);
  } catch (err) {
    // napi errors have no stack (as the wrapper notes): give it one, with the level that failed.
    throw new Error(`zstd compression at level ${level} failed: ${(err as Error).message}`, {cause: err});
  }
}

function snappyXerialCompress(data: Buffer): Buffer {
  const parts: Buffer[] = [xerialHeader()];
  for (let pos = 0; pos < data.length; pos += XERIAL_BLOCK_SIZE) {
    const block = snappy.compressSync(data.subarray(pos, Math.min(pos + XERIAL_BLOCK_SIZE, data.length)));
    const len = Buffer.allocUnsafe(4);
    len.writeInt32BE(block.length, 0);
    parts.push(len, block);
  }
  return Buffer.concat(parts);
}

function xerialHeader(): Buffer {
  const header = Buffer.alloc(XERIAL_HEADER_SIZE);
  XERIAL_MAGIC.copy(header, 0);
  header.writeInt32BE(1, 8); // format version
  header.writeInt32BE(1, 12); // minimum compatible version
  return header;
}

function isXerialHeaderAt(data: Buffer, pos: number): boolean {
  return data.length - pos >= XERIAL_HEADER_SIZE && data.compare(XERIAL_MAGIC, 0, 8, pos, pos + 8) === 0;
}

/**
 * Raw snappy, or xerial-framed blocks (possibly several concatenated streams, as xerial allows),
 * decoded into `decodeScratch` (snappy-block.ts), valid until the next decode.
 */
function snappyDecodeToScratch(data: Buffer): Buffer {
  if (!isXerialHeaderAt(data, 0)) {
    const {length} = snappyBlockLength(data, 0, data.length);
    const out = inputBehindOutput(decodeScratch, data, length);
    decodeSnappyBlock(out, length, length + data.length, out, 0);
    return out.subarray(0, length);
  }
  // The blocks' declared lengths first, to size the output.
  const blocks: number[] = [];
  let total = 0;
  let pos = 0;
  while (pos < data.length) {
    if (isXerialHeaderAt(data, pos)) {
      pos += XERIAL_HEADER_SIZE;
      continue;
    }
    if (data.length - pos < 4) throw new CorruptRecordError(`truncated xerial snappy block length at byte ${pos}`);
    const len = data.readInt32BE(pos);
    pos += 4;
    if (len < 0 || pos + len > data.length) {
      throw new CorruptRecordError(`xerial snappy block of ${len} bytes at byte ${pos - 4} exceeds the ${data.length}-byte input`);
    }
    total += snappyBlockLength(data, pos, pos + len).length;
    blocks.push(pos, pos + len);
    pos += len;
  }
  const out = inputBehindOutput(decodeScratch, data, total);
  let written = 0;
  for (let i = 0; i < blocks.length; i += 2) written = decodeSnappyBlock(out, total + blocks[i]!, total + blocks[i + 1]!, out, written);
  return out.subarray(0, written);
}

/**
 * Magic-0 era clients computed the header checksum over magic+FLG+BD(+size) instead of FLG+BD(+size),
 * and magic 0 readers expect it so: `frame` with its checksum byte rewritten that way.
 */
function withLegacyLz4HeaderChecksum(frame: Buffer): Buffer {
  const flg = frame[4]!;
  const descriptorEnd = 6 + ((flg & 0x08) !== 0 ? 8 : 0); // FLG, BD, optional content size
  if (frame.length <= descriptorEnd) throw new CorruptRecordError('truncated lz4 frame descriptor');
  const wanted = (xxhash32(frame.subarray(0, descriptorEnd)) >>> 8) & 0xff;
  if (frame[descriptorEnd] === wanted) return frame;
  const copy = Buffer.from(frame);
  copy[descriptorEnd] = wanted;
  return copy;
}
