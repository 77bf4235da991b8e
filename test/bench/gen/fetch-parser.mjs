// The response side of gen/fetch.mjs: reads a one-partition Fetch v12 response chunk by chunk as
// it arrives, keeping only the bytes before the records (a few dozen) and each batch's header, so
// that every chunk can be dropped once fed, as drain.mjs drops the limit's chunks.

/** Bytes of a v2 batch header needed here: baseOffset (0), batchLength (8), ..., lastOffsetDelta (23). */
const BATCH_HEAD = 27;
/** More than the fields before the records of a one-partition Fetch v12 response can take. */
const MAX_HEAD = 4096;
/** Thrown by recordsOf's reads past the bytes it has: more are to come. */
const INCOMPLETE = new Error('incomplete');

/**
 * The fields before the records of a one-partition Fetch v12 response (flexible encoding), from
 * `b` (the frame's first bytes, size prefix excluded): the records' position and length, or
 * undefined while `b` ends before them.
 */
function recordsOf(b) {
  let pos = 0;
  const need = (n) => { if (pos + n > b.length) throw INCOMPLETE; };
  const uvarint = () => {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      need(1);
      const byte = b[pos++];
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
  };
  const skip = (n) => { need(n); pos += n; };
  const taggedFields = () => { for (let n = uvarint(); n > 0; n--) { uvarint(); skip(uvarint()); } };
  try {
    skip(4); // correlation id
    taggedFields(); // response header v1
    skip(4); // throttle_time_ms
    need(2);
    if (b.readInt16BE(pos) !== 0) throw new Error(`Fetch error ${b.readInt16BE(pos)}`);
    skip(6); // error_code, session_id
    if (uvarint() !== 2) throw new Error('expected one topic in the Fetch response');
    skip(uvarint() - 1); // topic name
    if (uvarint() !== 2) throw new Error('expected one partition in the Fetch response');
    skip(4); // partition_index
    need(2);
    if (b.readInt16BE(pos) !== 0) throw new Error(`Fetch partition error ${b.readInt16BE(pos)}`);
    skip(2 + 24); // error_code, high_watermark, last_stable_offset, log_start_offset
    const aborted = uvarint(); // aborted_transactions: null (0) or count + 1
    for (let i = 1; i < aborted; i++) {
      skip(16);
      taggedFields();
    }
    skip(4); // preferred_read_replica
    const length = uvarint() - 1; // records: compact nullable bytes
    return {start: pos, length: Math.max(length, 0)};
  } catch (err) {
    if (err === INCOMPLETE) return undefined;
    throw err;
  }
}

/**
 * One response, fed chunk by chunk as it arrives: keeps the bytes before the records (a few dozen),
 * then only each batch header. done() once the frame's last byte came.
 */
export class ResponseParser {
  constructor(fallback) {
    this.next = fallback; // the offset after the last complete batch
    this.bytes = 0; // bytes of complete batches
    this.size = -1; // the frame's size, once its prefix came
    this.seen = 0; // frame bytes seen, size prefix included
    this.head = Buffer.allocUnsafe(MAX_HEAD);
    this.records = undefined; // {start, length}: frame positions (size prefix excluded)
    this.batchAt = 0; // position in the records of the next batch header
    this.batchHead = Buffer.allocUnsafe(BATCH_HEAD);
    this.batchHave = 0;
  }

  done() { return this.size >= 0 && this.seen === this.size + 4; }

  /** Takes `chunk`; returns how many of its bytes belong to this response. */
  feed(chunk) {
    let at = 0;
    while (at < chunk.length && !this.done()) {
      if (this.records === undefined) {
        // The size prefix and the fields before the records, kept until they are complete.
        const take = Math.min(chunk.length - at, MAX_HEAD - this.seen, this.size < 0 ? 4 - this.seen : this.size + 4 - this.seen);
        if (take <= 0) throw new Error('the fields before the records are too long');
        chunk.copy(this.head, this.seen, at, at + take);
        this.seen += take;
        at += take;
        if (this.size < 0) {
          if (this.seen === 4) this.size = this.head.readInt32BE(0);
          continue;
        }
        this.records = recordsOf(this.head.subarray(4, this.seen));
        if (this.records !== undefined) {
          // Bytes of the records already taken with the head: fed again below, from the records' start.
          const extra = this.seen - 4 - this.records.start;
          this.seen -= extra;
          at -= extra;
        }
        continue;
      }
      const framePos = this.seen - 4;
      const {start, length} = this.records;
      const inRecords = framePos - start;
      if (inRecords >= length) {
        // After the records: the partition's, topic's and response's tagged fields.
        const take = Math.min(chunk.length - at, this.size - framePos);
        this.seen += take;
        at += take;
        continue;
      }
      let take = Math.min(chunk.length - at, length - inRecords);
      if (inRecords >= this.batchAt) {
        // Within the header of the batch at batchAt (a header cut by the records' end never completes).
        take = Math.min(BATCH_HEAD - this.batchHave, take);
        chunk.copy(this.batchHead, this.batchHave, at, at + take);
        this.batchHave += take;
        if (this.batchHave === BATCH_HEAD) {
          const size = this.batchHead.readInt32BE(8) + 12;
          if (this.batchAt + size <= length) {
            this.next = this.batchHead.readBigInt64BE(0) + BigInt(this.batchHead.readInt32BE(23)) + 1n;
            this.bytes += size;
            this.batchAt += size;
          } else {
            // A partial batch, as a Fetch may end with: not counted, and nothing after it is a header.
            this.batchAt = length;
          }
          this.batchHave = 0;
        }
      } else {
        take = Math.min(take, this.batchAt - inRecords);
      }
      this.seen += take;
      at += take;
    }
    if (this.done() && this.records === undefined) throw new Error('the Fetch response ended before its records');
    return at;
  }
}
