/**
 * Big-endian int64 fields as bigint, without the garbage of Node's readBigInt64BE and
 * writeBigInt64BE: those build each value from two or three intermediate BigInts, and a Fetch or
 * Produce of 10,000 partitions reads and writes tens of thousands of them (offsets, timestamps),
 * which then cost scavenges. A value within ±2^53 (every offset and timestamp in practice) goes
 * through an exact double instead; anything else through Node's functions.
 */

const TWO_32 = 4294967296;
/** The high words whose values are exact doubles: |hi * 2^32 + lo| < 2^53. */
const SAFE_HIGH = 0x200000;

/** The int64 at `offset` of `buf`. */
export function readInt64(buf: Buffer, offset: number): bigint {
  const hi = buf.readInt32BE(offset);
  if (hi >= -SAFE_HIGH && hi < SAFE_HIGH) return BigInt(hi * TWO_32 + buf.readUInt32BE(offset + 4));
  return buf.readBigInt64BE(offset);
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
