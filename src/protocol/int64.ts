/**
 * Big-endian int64 fields as bigint, without the garbage of Node's readBigInt64BE and
 * writeBigInt64BE: those build each value from two or three intermediate BigInts, and a Fetch or
 * Produce of 10,000 partitions reads and writes tens of thousands of them (offsets, timestamps),
 * which then cost scavenges. A value within ±2^53 (every offset and timestamp in practice) goes
 * through an exact double instead; anything else through Node's functions.
 */

const TWO_32 = 4294967296;

/** The int64 at `offset` of `buf` as a double: exact when it is a safe integer, rounded beyond ±2^53. */
export function readInt64Number(buf: Buffer, offset: number): number {
  return buf.readInt32BE(offset) * TWO_32 + buf.readUInt32BE(offset + 4);
}

/** The int64 at `offset` of `buf`. */
export function readInt64(buf: Buffer, offset: number): bigint {
  const n = readInt64Number(buf, offset);
  return Number.isSafeInteger(n) ? BigInt(n) : buf.readBigInt64BE(offset);
}

/** Write `value` (a signed 64-bit value) as the int64 at `offset` of `buf`. */
export function writeInt64(buf: Buffer, value: bigint, offset: number): void {
  // Anything but a bigint goes to Node's function, which refuses it as before.
  const n = typeof value === 'bigint' ? Number(value) : NaN;
  if (Number.isSafeInteger(n)) {
    const hi = Math.floor(n / TWO_32);
    buf.writeInt32BE(hi, offset);
    buf.writeUInt32BE(n - hi * TWO_32, offset + 4);
  } else {
    buf.writeBigInt64BE(value, offset);
  }
}

/** later - earlier (milliseconds, say) as a number: in doubles when both are exact (real timestamps), else exactly. */
export function msBetween(earlier: bigint, later: bigint): number {
  const a = Number(earlier);
  const b = Number(later);
  if (Number.isSafeInteger(a) && Number.isSafeInteger(b)) return b - a;
  return Number(later - earlier);
}
