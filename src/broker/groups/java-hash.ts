/**
 * Which __consumer_offsets partition owns a group: Kafka's `Utils.abs(groupId.hashCode) % n`.
 * Java's String.hashCode runs over UTF-16 code units with 32-bit wrap-around, and Kafka's
 * Utils.abs maps Integer.MIN_VALUE to 0 (`n & 0x7fffffff`), unlike Math.abs.
 */

/** Java's String.hashCode: s[0]*31^(n-1) + ... + s[n-1], in int32 arithmetic. */
export function javaStringHashCode(s: string): number {
  let hash = 0;
  for (let i = 0; i < s.length; i++) hash = (Math.imul(hash, 31) + s.charCodeAt(i)) | 0;
  return hash;
}

/** The __consumer_offsets partition of `groupId` among `numPartitions`. */
export function offsetsPartitionFor(groupId: string, numPartitions: number): number {
  return (javaStringHashCode(groupId) & 0x7fffffff) % numPartitions;
}
