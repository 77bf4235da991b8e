/**
 * Growable writer of Kafka's primitive types producing one Buffer. Scalars go into a chunk that
 * grows by doubling; large byte blobs (record batches in Fetch responses) are kept by reference
 * and copied exactly once, when finish() joins the chunks.
 */
import {writeInt64} from './int64.js';
const FIRST_CHUNK = 512;
const MAX_CHUNK = 64 * 1024;
/** Blobs at least this large are referenced instead of copied into the chunk. */
export const REFERENCE_THRESHOLD = 1024;

export class Writer {
  private chunk: Buffer;
  /** Start of the bytes in `chunk` not yet moved to `parts`. */
  private start = 0;
  private pos = 0;
  private readonly parts: Buffer[] = [];
  private partsLength = 0;

  /**
   * `allocate` gives the chunks: a broker passes its pool of reusable buffers for responses, whose
   * chunks it gives back once the socket has taken them.
   */
  constructor(initialSize = FIRST_CHUNK, private readonly allocate: (size: number) => Buffer = Buffer.allocUnsafe) {
    this.chunk = allocate(initialSize);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.partsLength + this.pos - this.start;
  }

  private flushPending(): void {
    if (this.pos > this.start) {
      this.parts.push(this.chunk.subarray(this.start, this.pos));
      this.partsLength += this.pos - this.start;
    }
    this.start = this.pos;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.chunk.length) return;
    this.flushPending();
    const size = Math.max(n, Math.min(MAX_CHUNK, this.chunk.length * 2));
    this.chunk = this.allocate(size);
    this.start = 0;
    this.pos = 0;
  }

  int8(v: number): this { this.ensure(1); this.chunk.writeInt8(v, this.pos); this.pos += 1; return this; }
  int16(v: number): this { this.ensure(2); this.chunk.writeInt16BE(v, this.pos); this.pos += 2; return this; }
  int32(v: number): this { this.ensure(4); this.chunk.writeInt32BE(v, this.pos); this.pos += 4; return this; }
  int64(v: bigint): this { this.ensure(8); writeInt64(this.chunk, v, this.pos); this.pos += 8; return this; }
  uint16(v: number): this { this.ensure(2); this.chunk.writeUInt16BE(v, this.pos); this.pos += 2; return this; }
  uint32(v: number): this { this.ensure(4); this.chunk.writeUInt32BE(v, this.pos); this.pos += 4; return this; }
  float64(v: number): this { this.ensure(8); this.chunk.writeDoubleBE(v, this.pos); this.pos += 8; return this; }
  bool(v: boolean): this { this.ensure(1); this.chunk[this.pos++] = v ? 1 : 0; return this; }

  /** Unsigned varint (up to 32 bits). */
  uvarint(v: number): this {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new RangeError(`uvarint out of range: ${v}`);
    this.ensure(5);
    while (v >= 0x80) {
      this.chunk[this.pos++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    this.chunk[this.pos++] = v;
    return this;
  }

  /** Zigzag signed 32-bit varint. */
  varint(v: number): this {
    return this.uvarint(((v << 1) ^ (v >> 31)) >>> 0);
  }

  uvarlong(v: bigint): this {
    if (v < 0n || v > 0xffffffffffffffffn) throw new RangeError(`uvarlong out of range: ${v}`);
    this.ensure(10);
    while (v >= 0x80n) {
      this.chunk[this.pos++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.chunk[this.pos++] = Number(v);
    return this;
  }

  /** Zigzag signed 64-bit varint. */
  varlong(v: bigint): this {
    const n = BigInt.asIntN(64, v);
    return this.uvarlong(BigInt.asUintN(64, (n << 1n) ^ (n >> 63n)));
  }

  /** Raw bytes; large ones are kept by reference until finish(). */
  raw(b: Buffer): this {
    if (b.length >= REFERENCE_THRESHOLD) {
      this.flushPending();
      this.parts.push(b);
      this.partsLength += b.length;
      return this;
    }
    this.ensure(b.length);
    b.copy(this.chunk, this.pos);
    this.pos += b.length;
    return this;
  }

  private utf8(s: string): void {
    const n = Buffer.byteLength(s, 'utf8');
    this.ensure(n);
    this.pos += this.chunk.write(s, this.pos, n, 'utf8');
  }

  /** STRING / NULLABLE_STRING (int16 length, -1 = null). */
  string(s: string | null): this {
    if (s === null) return this.int16(-1);
    const n = Buffer.byteLength(s, 'utf8');
    if (n > 0x7fff) throw new RangeError(`string of ${n} bytes is longer than 32767`);
    this.int16(n);
    this.utf8(s);
    return this;
  }

  /** COMPACT_STRING / COMPACT_NULLABLE_STRING (uvarint length + 1, 0 = null). */
  compactString(s: string | null): this {
    if (s === null) return this.uvarint(0);
    this.uvarint(Buffer.byteLength(s, 'utf8') + 1);
    this.utf8(s);
    return this;
  }

  /** BYTES / NULLABLE_BYTES (int32 length, -1 = null). */
  bytes(b: Buffer | null): this {
    if (b === null) return this.int32(-1);
    return this.int32(b.length).raw(b);
  }

  /** COMPACT_BYTES / COMPACT_NULLABLE_BYTES (uvarint length + 1, 0 = null). */
  compactBytes(b: Buffer | null): this {
    if (b === null) return this.uvarint(0);
    return this.uvarint(b.length + 1).raw(b);
  }

  /** UUID from Kafka's string form (22 chars of URL-safe base64). */
  uuid(id: string): this {
    const b = Buffer.from(id, 'base64url');
    // Node ignores stray characters and trailing bits; only Kafka's canonical form round-trips.
    if (b.length !== 16 || b.toString('base64url') !== id) {
      throw new RangeError(`invalid uuid "${id}": expected Kafka's 22-character base64url form`);
    }
    this.ensure(16);
    b.copy(this.chunk, this.pos);
    this.pos += 16;
    return this;
  }

  /** Array length: int32 (classic, -1 = null) or uvarint count + 1 (compact, 0 = null). */
  arrayLength(n: number | null, compact: boolean): this {
    if (compact) return this.uvarint(n === null ? 0 : n + 1);
    return this.int32(n === null ? -1 : n);
  }

  /**
   * All bytes written, as the list of chunks and referenced blobs (no copy), for socket writev.
   * The writer must not be used afterwards.
   */
  finishChunks(): Buffer[] {
    this.flushPending();
    return this.parts;
  }

  /** All bytes written, as one Buffer. */
  finish(): Buffer {
    if (this.parts.length === 0) return this.chunk.subarray(this.start, this.pos);
    this.flushPending();
    return Buffer.concat(this.parts, this.partsLength);
  }
}
