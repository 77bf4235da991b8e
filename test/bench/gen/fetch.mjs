// Load generator for the raw-Fetch rows: N connections at once, each reading one partition from
// offset 0 to END_OFFSET with Fetch requests sent one at a time (the next one after the previous
// response ended), discarding the records like drain.mjs discards the limit's bytes. The only work
// per response is walking its batch headers to find the next offset: the frame is not copied or decoded.
// Usage: node fetch.mjs HOST PORT CONNECTIONS END_OFFSET REQUEST_HEX OFFSET_POS
// REQUEST_HEX is one Fetch v12 request for the partition (size prefix included), encoded by the
// bench with the project's codec; each request patches its correlation id (bytes 8-11) and the
// fetch offset (the int64 at OFFSET_POS). Prints "bytes B ms M cpu S requests R per-connection B1,B2,...":
// the bytes of the complete batches received on all connections, the wall time from the first
// connect until every connection reached END_OFFSET (like drain.mjs), this process's CPU seconds
// over that time, the number of Fetch requests, and the bytes per connection.
import {connect} from 'node:net';
import {once} from 'node:events';

const host = process.argv[2];
const port = Number(process.argv[3]);
const connections = Number(process.argv[4]);
const endOffset = BigInt(process.argv[5]);
const template = Buffer.from(process.argv[6], 'hex');
const offsetPos = Number(process.argv[7]);

/** A response frame held as the chunks it arrived in (no copy); `at` reads bytes across chunk boundaries. */
class Frame {
  constructor(chunks, start, size) {
    this.chunks = chunks;
    this.start = start; // offset of the frame's first byte (after the size prefix) in chunks[0]
    this.size = size;
  }

  /** `n` bytes at frame position `pos` (a view when they lie in one chunk). */
  at(pos, n) {
    let p = pos + this.start;
    for (let i = 0; i < this.chunks.length; i++) {
      const c = this.chunks[i];
      if (p < c.length) {
        if (p + n <= c.length) return c.subarray(p, p + n);
        const parts = [c.subarray(p)];
        let have = c.length - p;
        for (let j = i + 1; have < n; j++) {
          const take = Math.min(n - have, this.chunks[j].length);
          parts.push(this.chunks[j].subarray(0, take));
          have += take;
        }
        return Buffer.concat(parts, n);
      }
      p -= c.length;
    }
    throw new Error(`read past the end of a ${this.size}-byte response`);
  }
}

/** A cursor over the small fields at the start of a Fetch v12 response (flexible encoding). */
class Cursor {
  constructor(frame) {
    this.frame = frame;
    this.pos = 0;
  }

  bytes(n) {
    const b = this.frame.at(this.pos, n);
    this.pos += n;
    return b;
  }

  int16() { return this.bytes(2).readInt16BE(0); }
  int32() { return this.bytes(4).readInt32BE(0); }
  skip(n) { this.pos += n; }

  uvarint() {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const b = this.bytes(1)[0];
      value += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return value;
    }
  }

  taggedFields() {
    for (let n = this.uvarint(); n > 0; n--) {
      this.uvarint();
      this.skip(this.uvarint());
    }
  }
}

/** The records of the one partition in a Fetch v12 response: their position and length in the frame. */
function recordsOf(frame) {
  const c = new Cursor(frame);
  c.skip(4); // correlation id
  c.taggedFields(); // response header v1
  c.skip(4); // throttle_time_ms
  const errorCode = c.int16();
  if (errorCode !== 0) throw new Error(`Fetch error ${errorCode}`);
  c.skip(4); // session_id
  if (c.uvarint() !== 2) throw new Error('expected one topic in the Fetch response');
  c.skip(c.uvarint() - 1); // topic name
  if (c.uvarint() !== 2) throw new Error('expected one partition in the Fetch response');
  c.skip(4); // partition_index
  const partitionError = c.int16();
  if (partitionError !== 0) throw new Error(`Fetch partition error ${partitionError}`);
  c.skip(24); // high_watermark, last_stable_offset, log_start_offset
  const aborted = c.uvarint(); // aborted_transactions: null (0) or count + 1
  for (let i = 1; i < aborted; i++) {
    c.skip(16);
    c.taggedFields();
  }
  c.skip(4); // preferred_read_replica
  const length = c.uvarint() - 1; // records: compact nullable bytes
  return {start: c.pos, length: Math.max(length, 0)};
}

/** Walks the batch headers: the offset after the last complete batch, and the bytes of complete batches. */
function walkBatches(frame, start, length, fallback) {
  let next = fallback;
  let bytes = 0;
  for (let pos = 0; pos + 27 <= length;) {
    const head = frame.at(start + pos, 27);
    const size = head.readInt32BE(8) + 12;
    if (pos + size > length) break;
    next = head.readBigInt64BE(0) + BigInt(head.readInt32BE(23)) + 1n;
    bytes += size;
    pos += size;
  }
  return {next, bytes};
}

async function readPartition(id) {
  const socket = connect({host, port, noDelay: true});
  await once(socket, 'connect');
  const request = Buffer.from(template);
  let offset = 0n;
  let bytes = 0;
  let requests = 0;
  let chunks = [];
  let have = 0;
  let waiting;
  socket.on('data', (chunk) => {
    chunks.push(chunk);
    have += chunk.length;
    if (have < 4) return;
    const size = (chunks[0].length >= 4 ? chunks[0] : Buffer.concat(chunks)).readInt32BE(0);
    if (have < 4 + size) return;
    if (have > 4 + size) return waiting.reject(new Error('bytes after the Fetch response: one request is in flight at a time'));
    const frame = new Frame(chunks, 4, size);
    chunks = [];
    have = 0;
    waiting.resolve(frame);
  });
  const closed = new Promise((_, reject) => {
    socket.on('error', reject);
    socket.on('close', () => reject(new Error(`connection ${id} closed at offset ${offset}`)));
  });
  closed.catch(() => undefined);
  try {
    while (offset < endOffset) {
      request.writeInt32BE(++requests, 8);
      request.writeBigInt64BE(offset, offsetPos);
      const response = new Promise((resolve, reject) => { waiting = {resolve, reject}; });
      socket.write(request);
      const frame = await Promise.race([response, closed]);
      const {start, length} = recordsOf(frame);
      const r = walkBatches(frame, start, length, offset);
      if (r.next <= offset) throw new Error(`connection ${id}: no complete batch at offset ${offset} (${length} bytes of records)`);
      offset = r.next;
      bytes += r.bytes;
    }
  } finally {
    socket.destroy();
  }
  return {bytes, requests};
}

try {
  const start = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  const results = await Promise.all(Array.from({length: connections}, (_, i) => readPartition(i)));
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const cpu = process.cpuUsage(cpu0);
  const sum = (key) => results.reduce((a, r) => a + r[key], 0);
  process.stdout.write(`bytes ${sum('bytes')} ms ${ms} cpu ${(cpu.user + cpu.system) / 1e6} requests ${sum('requests')} per-connection ${results.map((r) => r.bytes).join(',')}\n`);
} catch (err) {
  process.stderr.write(`fetch: ${err.message}\n`);
  process.exit(1);
}
