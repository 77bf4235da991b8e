/**
 * Bounds-checked reader of Kafka's primitive types over one Buffer. Every length read from the
 * wire is checked against the bytes left before anything is allocated, so a hostile length
 * (e.g. an array of 2^31 elements in a 20-byte frame) is a ProtocolError, not an OOM.
 * Bytes and records fields are returned as views into the input buffer (no copy).
 */
import {ProtocolError} from './errors.js';
import {readInt64} from './int64.js';

const UUID_BYTES = 16;

export class Reader {
  readonly buf: Buffer;
  offset: number;
  private readonly end: number;

  constructor(buf: Buffer, offset = 0, end = buf.length) {
    this.buf = buf;
    this.offset = offset;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.offset;
  }

  /** Throws unless n more bytes are available; returns the start offset and advances. */
  private take(n: number, what: string): number {
    const at = this.offset;
    if (n < 0 || at + n > this.end) {
      throw new ProtocolError(`truncated input: need ${n} bytes for ${what} at offset ${at}, ${this.end - at} left`);
    }
    this.offset = at + n;
    return at;
  }

  int8(): number { return this.buf.readInt8(this.take(1, 'int8')); }
  int16(): number { return this.buf.readInt16BE(this.take(2, 'int16')); }
  int32(): number { return this.buf.readInt32BE(this.take(4, 'int32')); }
  int64(): bigint { return readInt64(this.buf, this.take(8, 'int64')); }
  uint16(): number { return this.buf.readUInt16BE(this.take(2, 'uint16')); }
  uint32(): number { return this.buf.readUInt32BE(this.take(4, 'uint32')); }
  float64(): number { return this.buf.readDoubleBE(this.take(8, 'float64')); }
  bool(): boolean { return this.buf[this.take(1, 'bool')] !== 0; }

  /** Unsigned varint of at most 5 bytes (32 bits), as Kafka's ByteUtils.readUnsignedVarint. */
  uvarint(): number {
    let value = 0;
    // A running multiplier: 2 ** (7 * i) is a call to Math.pow per byte.
    for (let i = 0, unit = 1; i < 5; i++, unit *= 128) {
      const b = this.buf[this.take(1, 'varint')]!;
      value += (b & 0x7f) * unit;
      if ((b & 0x80) === 0) {
        if (value > 0xffffffff) throw new ProtocolError('varint does not fit in 32 bits');
        return value;
      }
    }
    throw new ProtocolError(`varint is too long at offset ${this.offset - 5}`);
  }

  /** Zigzag-encoded signed 32-bit varint. */
  varint(): number {
    const raw = this.uvarint();
    return (raw >>> 1) ^ -(raw & 1);
  }

  /** Unsigned varint of at most 10 bytes (64 bits). */
  uvarlong(): bigint {
    let value = 0n;
    for (let i = 0; i < 10; i++) {
      const b = this.buf[this.take(1, 'varlong')]!;
      value |= BigInt(b & 0x7f) << BigInt(7 * i);
      if ((b & 0x80) === 0) {
        if (value > 0xffffffffffffffffn) throw new ProtocolError('varlong does not fit in 64 bits');
        return value;
      }
    }
    throw new ProtocolError(`varlong is too long at offset ${this.offset - 10}`);
  }

  /** Zigzag-encoded signed 64-bit varint. */
  varlong(): bigint {
    const raw = this.uvarlong();
    return BigInt.asIntN(64, (raw >> 1n) ^ -(raw & 1n));
  }

  /** Reads `length` bytes as UTF-8; length -1 means null. */
  private utf8(length: number, nullable: boolean, what: string): string | null {
    if (length < 0) {
      if (length === -1 && nullable) return null;
      throw new ProtocolError(`${what} has invalid length ${length}`);
    }
    const at = this.take(length, what);
    return this.buf.toString('utf8', at, at + length);
  }

  /** STRING / NULLABLE_STRING: int16 length, -1 = null. */
  string(): string { return this.utf8(this.int16(), false, 'string') as string; }
  nullableString(): string | null { return this.utf8(this.int16(), true, 'nullable string'); }
  /** COMPACT_STRING / COMPACT_NULLABLE_STRING: uvarint length + 1, 0 = null. */
  compactString(): string { return this.utf8(this.uvarint() - 1, false, 'compact string') as string; }
  compactNullableString(): string | null { return this.utf8(this.uvarint() - 1, true, 'compact nullable string'); }

  private slice(length: number, nullable: boolean, what: string): Buffer | null {
    if (length < 0) {
      if (length === -1 && nullable) return null;
      throw new ProtocolError(`${what} has invalid length ${length}`);
    }
    const at = this.take(length, what);
    return this.buf.subarray(at, at + length);
  }

  /** BYTES / NULLABLE_BYTES: int32 length, -1 = null. */
  bytes(): Buffer { return this.slice(this.int32(), false, 'bytes') as Buffer; }
  nullableBytes(): Buffer | null { return this.slice(this.int32(), true, 'nullable bytes'); }
  /** COMPACT_BYTES / COMPACT_NULLABLE_BYTES: uvarint length + 1, 0 = null. */
  compactBytes(): Buffer { return this.slice(this.uvarint() - 1, false, 'compact bytes') as Buffer; }
  compactNullableBytes(): Buffer | null { return this.slice(this.uvarint() - 1, true, 'compact nullable bytes'); }

  /** A raw view of the next n bytes. */
  raw(n: number): Buffer {
    const at = this.take(n, 'raw bytes');
    return this.buf.subarray(at, at + n);
  }

  /** UUID in Kafka's Uuid.toString() form: URL-safe base64 without padding. */
  uuid(): string {
    const at = this.take(UUID_BYTES, 'uuid');
    return this.buf.toString('base64url', at, at + UUID_BYTES);
  }

  /**
   * Array element count: int32 (classic) or uvarint count + 1 (compact). Returns -1 for null.
   * Each element takes at least one byte, so a count above the bytes left is malformed.
   */
  arrayLength(compact: boolean, nullable: boolean): number {
    const n = compact ? this.uvarint() - 1 : this.int32();
    if (n < 0) {
      if (n === -1 && nullable) return -1;
      throw new ProtocolError(`array has invalid length ${n}`);
    }
    if (n > this.remaining) {
      throw new ProtocolError(`array claims ${n} elements but only ${this.remaining} bytes are left`);
    }
    return n;
  }

  /** Generic array helper for hand-written decoders. */
  array<T>(readItem: (r: Reader) => T, compact = false): T[] {
    const n = this.arrayLength(compact, false);
    const out = new Array<T>(n);
    for (let i = 0; i < n; i++) out[i] = readItem(this);
    return out;
  }

  /**
   * Tagged fields section: uvarint count, then (uvarint tag, uvarint size, size bytes) each.
   * `onTag` gets a Reader bounded to the field's bytes; tags it does not know it just ignores.
   */
  taggedFields(onTag?: (tag: number, field: Reader) => void): void {
    const count = this.uvarint();
    if (count > this.remaining) throw new ProtocolError(`tagged field count ${count} exceeds the bytes left`);
    for (let i = 0; i < count; i++) {
      const tag = this.uvarint();
      const size = this.uvarint();
      const at = this.take(size, `tagged field ${tag}`);
      // Lenient like Kafka: order is not enforced and bytes a newer peer appended are ignored.
      if (onTag) onTag(tag, new Reader(this.buf, at, at + size));
    }
  }
}
