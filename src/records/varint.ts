/**
 * Zigzag varints of the v2 record format (protobuf style, as Kafka's ByteUtils), read from a
 * cursor and written at a position. Reads are bounds-checked against `end` so a corrupt length
 * gives a CorruptRecordError instead of reading a neighbour's bytes.
 */
import {CorruptRecordError} from './errors.js';

export class Cursor {
  /** `end` may be narrowed temporarily to bound the reads of one length-prefixed item. */
  constructor(public readonly buf: Buffer, public pos: number, public end: number) {}

  remaining(): number {
    return this.end - this.pos;
  }

  readInt8(): number {
    if (this.pos >= this.end) throw truncated(this.pos);
    return this.buf.readInt8(this.pos++);
  }

  /** Zigzag varint, at most 5 bytes, as int32. */
  readVarint(): number {
    let raw = 0;
    let shift = 0;
    for (;;) {
      if (this.pos >= this.end) throw truncated(this.pos);
      const b = this.buf[this.pos++]!;
      raw |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) break;
      shift += 7;
      if (shift > 28) throw new CorruptRecordError(`varint longer than 5 bytes at byte ${this.pos}`);
    }
    return (raw >>> 1) ^ -(raw & 1);
  }

  /**
   * Zigzag varlong, at most 10 bytes. Returned as a number when it is a safe integer (always the case
   * for real timestamp deltas), otherwise as a bigint, so the hot path stays free of bigint math.
   */
  readVarlong(): number | bigint {
    let raw = 0;
    let scale = 1;
    const start = this.pos;
    for (let i = 0; i < 7; i++) {
      if (this.pos >= this.end) throw truncated(this.pos);
      const b = this.buf[this.pos++]!;
      raw += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) {
        // raw < 2^49 here, so the zigzag decode is exact in doubles.
        return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
      }
      scale *= 128;
    }
    this.pos = start;
    return this.readVarlongBig();
  }

  private readVarlongBig(): bigint {
    let raw = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw truncated(this.pos);
      const b = this.buf[this.pos++]!;
      raw |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return BigInt.asIntN(64, (raw >> 1n) ^ -(raw & 1n));
      shift += 7n;
    }
    throw new CorruptRecordError(`varlong longer than 10 bytes at byte ${this.pos}`);
  }

  /** `len` bytes as a view (no copy). */
  readBytes(len: number): Buffer {
    const start = this.pos;
    this.skip(len);
    return this.buf.subarray(start, this.pos);
  }

  skip(len: number): void {
    if (len < 0 || this.pos + len > this.end) {
      throw new CorruptRecordError(`field of ${len} bytes at byte ${this.pos} runs past the end of its record`);
    }
    this.pos += len;
  }
}

function truncated(pos: number): CorruptRecordError {
  return new CorruptRecordError(`record data ends unexpectedly at byte ${pos}`);
}

export function sizeOfVarint(value: number): number {
  let v = ((value << 1) ^ (value >> 31)) >>> 0;
  let n = 1;
  while (v >= 0x80) {
    v >>>= 7;
    n++;
  }
  return n;
}

export function writeVarint(buf: Buffer, pos: number, value: number): number {
  let v = ((value << 1) ^ (value >> 31)) >>> 0;
  while (v >= 0x80) {
    buf[pos++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  buf[pos++] = v;
  return pos;
}

function zigzag64(value: bigint): bigint {
  return BigInt.asUintN(64, (value << 1n) ^ (value >> 63n));
}

export function sizeOfVarlong(value: bigint): number {
  let v = zigzag64(value);
  let n = 1;
  while (v >= 0x80n) {
    v >>= 7n;
    n++;
  }
  return n;
}

export function writeVarlong(buf: Buffer, pos: number, value: bigint): number {
  let v = zigzag64(value);
  while (v >= 0x80n) {
    buf[pos++] = Number(v & 0x7fn) | 0x80;
    v >>= 7n;
  }
  buf[pos++] = Number(v);
  return pos;
}
