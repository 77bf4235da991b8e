/**
 * Legacy (magic 0/1) message sets as old producers send them, for the conversion tests: plain
 * messages, compressed wrappers, and the deliberately broken variants (bad CRC, old LZ4 header
 * checksum). The layout is legacy.ts's; the tests check it against kafkajs's own encoder.
 */
import {crc32} from '@node-rs/crc32';
import {CompressionType} from '../../../src/records/batch-header.js';
import {compress} from '../../../src/records/compression.js';
import {xxhash32} from '../../../src/records/xxhash32.js';

export interface LegacyInput {
  key?: Buffer | string | null;
  value?: Buffer | string | null;
  /** Magic 1 only; default 0. */
  timestamp?: bigint | number;
  /** Raw attributes byte (codec bits, bit 3 LogAppendTime); default 0. */
  attributes?: number;
}

const bytes = (v: Buffer | string | null | undefined): Buffer | null => (v === null || v === undefined ? null : Buffer.from(v));

/** One entry: offset | size | crc | magic | attributes | [timestamp] | key | value. */
export function legacyMessage(magic: 0 | 1, input: LegacyInput, offset = 0n): Buffer {
  const key = bytes(input.key);
  const value = bytes(input.value);
  const body = Buffer.alloc(2 + (magic === 1 ? 8 : 0) + 4 + (key?.length ?? 0) + 4 + (value?.length ?? 0));
  let p = body.writeInt8(magic, 0);
  p = body.writeInt8(input.attributes ?? 0, p);
  if (magic === 1) p = body.writeBigInt64BE(BigInt(input.timestamp ?? 0), p);
  for (const field of [key, value]) {
    p = body.writeInt32BE(field === null ? -1 : field.length, p);
    if (field !== null) p += field.copy(body, p);
  }
  const head = Buffer.alloc(16);
  head.writeBigInt64BE(offset, 0);
  head.writeInt32BE(body.length + 4, 8);
  head.writeUInt32BE(crc32(body) >>> 0, 12);
  return Buffer.concat([head, body]);
}

/** Entries with offsets `firstOffset`, +1, ... (magic 1 wrappers hold relative inner offsets from 0). */
export function legacySet(magic: 0 | 1, inputs: LegacyInput[], firstOffset = 0n): Buffer {
  return Buffer.concat(inputs.map((m, i) => legacyMessage(magic, m, firstOffset + BigInt(i))));
}

export interface WrapperOptions {
  /** The wrapper's offset field; default: the last inner offset, as clients send it. */
  offset?: bigint;
  timestamp?: bigint | number;
  /** Extra attribute bits (e.g. 0x08 LogAppendTime). */
  attributes?: number;
  /** For lz4: write the wrong frame header checksum magic 0 era clients wrote. */
  oldLz4Checksum?: boolean;
}

/** A compressed wrapper holding `inner` (a message set) compressed with `codec`. */
export async function legacyWrapper(magic: 0 | 1, codec: CompressionType, inner: Buffer, options: WrapperOptions = {}): Promise<Buffer> {
  let value = await compress(codec, inner);
  if (options.oldLz4Checksum) value = withOldLz4Checksum(value);
  return legacyMessage(magic, {value, timestamp: options.timestamp, attributes: codec | (options.attributes ?? 0)}, options.offset ?? lastOffset(inner));
}

function lastOffset(set: Buffer): bigint {
  let last = 0n;
  for (let p = 0; p < set.length; p += set.readInt32BE(p + 8) + 12) last = set.readBigInt64BE(p);
  return last;
}

/** Kafka's pre-0.10 clients hashed the frame magic too: checksum over magic+FLG+BD instead of FLG+BD. */
function withOldLz4Checksum(frame: Buffer): Buffer {
  const out = Buffer.from(frame);
  const descriptorEnd = 6 + ((out[4]! & 0x08) !== 0 ? 8 : 0);
  out[descriptorEnd] = (xxhash32(out.subarray(0, descriptorEnd)) >>> 8) & 0xff;
  return out;
}

/** Corrupt a message's stored CRC (the entry starting at `pos`). */
export function withBadCrc(entry: Buffer, pos = 0): Buffer {
  const out = Buffer.from(entry);
  out.writeUInt32BE((out.readUInt32BE(pos + 12) ^ 0xdeadbeef) >>> 0, pos + 12);
  return out;
}
