// The produce-side kcat ceiling: the least a "broker" can do for kcat -P. Like socket-to-file.mjs it
// appends every byte it receives to a file; it also answers each request once the bytes that
// complete it are written, as a broker answers acks=1 after its write: ApiVersions and Metadata
// with the answers the bench recorded from the real broker for the same kcat command (by API
// version; correlation id and advertised port patched), Produce with error 0 and a running base offset per partition,
// built from the request's topics and partitions and its batch headers' record counts, the records
// themselves never decoded. Plain JavaScript like the other limit programs.
// Usage: node kafka-sink.mjs OUT_FILE CANNED_PREFIX [sync]   Prints "port N" once listening; on SIGTERM
// prints "bytes B requests N records R" (all connections, R = records in acknowledged batches) and exits.
// With `sync` each chunk is appended with writeSync and its answers sent right after, as the
// broker appends small batches: the latency bench's limit (scenarios/latency.ts). Without it the
// appends go through a write stream, which keeps kcat's 1 MiB requests streaming.
import {createServer} from 'node:net';
import {closeSync, createWriteStream, openSync, readFileSync, writeSync} from 'node:fs';
import {apiKeyOf, describeRequest, findAnswer, frameSplitter, loadCanned, patchAnswer, peek} from './kafka-frames.mjs';

const [outFile, cannedPrefix, mode] = process.argv.slice(2);
const sync = mode === 'sync';
const canned = loadCanned(cannedPrefix);
const cannedBytes = readFileSync(`${cannedPrefix}.bin`);
const PRODUCE = 0;
// RecordBatch v2 header fields: a batch takes 12 + batchLength bytes (baseOffset and batchLength come
// before what batchLength counts); recordCount is what the running base offset advances by.
const BATCH_LENGTH_AT = 8;
const RECORD_COUNT_AT = 57;
const nextOffset = new Map();
let bytes = 0;
let requests = 0;
let records = 0;

function fail(message) {
  process.stderr.write(`kafka-sink: ${message}\n`);
  process.exit(2);
}

/** A cursor over a frame in parts, for the few fields of a Produce request before and around its records. */
function reader(parts, pos) {
  const r = {
    pos,
    i16() { const v = peek(parts, r.pos, 2).readInt16BE(0); r.pos += 2; return v; },
    i32() { const v = peek(parts, r.pos, 4).readInt32BE(0); r.pos += 4; return v; },
    uvarint() {
      let v = 0;
      for (let shift = 0; ; shift += 7) {
        const b = peek(parts, r.pos++, 1)[0];
        v += (b & 0x7f) * 2 ** shift;
        if (b < 0x80) return v;
      }
    },
    skipTags() {
      for (let n = r.uvarint(); n > 0; n--) {
        r.uvarint();
        const size = r.uvarint();
        r.pos += size;
      }
    },
  };
  return r;
}

/** The Produce answer: error 0 for every partition, base offsets advanced by the batches' record counts. */
function produceAnswer(parts) {
  const version = peek(parts, 2, 2).readInt16BE(0);
  if (version < 3 || version > 12) fail(`Produce v${version}: this sink answers v3-v12 (topic names, RecordBatch v2)`);
  const flex = version >= 9;
  const r = reader(parts, 8);
  r.pos += 2 + Math.max(0, peek(parts, 8, 2).readInt16BE(0)); // client id (header v1/v2: never compact)
  if (flex) r.skipTags();
  const len = () => (flex ? r.uvarint() - 1 : r.i16()); // string length, -1 for null
  const count = () => (flex ? r.uvarint() - 1 : r.i32()); // array length
  const transactionalId = len(); // read before r.pos is, as `r.pos += len()` would lose len's own move
  r.pos += Math.max(0, transactionalId);
  const acks = r.i16();
  r.pos += 4; // timeout
  const topics = [];
  for (let t = count(); t > 0; t--) {
    const nameLength = len();
    const name = Buffer.from(peek(parts, r.pos, nameLength));
    r.pos += nameLength;
    const partitions = [];
    for (let p = count(); p > 0; p--) {
      const index = r.i32();
      const size = flex ? r.uvarint() - 1 : r.i32();
      let n = 0;
      for (let at = r.pos; at < r.pos + size; at += 12 + peek(parts, at + BATCH_LENGTH_AT, 4).readInt32BE(0)) {
        n += peek(parts, at + RECORD_COUNT_AT, 4).readInt32BE(0);
      }
      r.pos += Math.max(0, size);
      if (flex) r.skipTags();
      const key = `${name.toString('latin1')}:${index}`;
      const base = nextOffset.get(key) ?? 0;
      nextOffset.set(key, base + n);
      records += n;
      partitions.push({index, base});
    }
    if (flex) r.skipTags();
    topics.push({name, partitions});
  }
  requests++;
  return acks === 0 ? undefined : encodeProduceAnswer(version, peek(parts, 4, 4).readInt32BE(0), topics);
}

function encodeProduceAnswer(version, correlationId, topics) {
  const flex = version >= 9;
  // Per partition: index, error, base offset, log append time, log start offset (v5+), record errors and error message (v8+).
  const perPartition = 4 + 2 + 8 + 8 + (version >= 5 ? 8 : 0) + (version >= 8 ? (flex ? 2 : 6) : 0) + (flex ? 1 : 0);
  let size = 4 + (flex ? 1 : 0) + (flex ? 1 : 4) + 4 + (flex ? 1 : 0);
  for (const t of topics) size += (flex ? 1 : 2) + t.name.length + (flex ? 1 : 4) + t.partitions.length * perPartition + (flex ? 1 : 0);
  if (flex && (topics.length >= 127 || topics.some((t) => t.name.length >= 127 || t.partitions.length >= 127))) fail('more topics, partitions or name bytes than this sink encodes');
  const out = Buffer.alloc(4 + size);
  let pos = out.writeInt32BE(size, 0);
  pos = out.writeInt32BE(correlationId, pos);
  if (flex) out[pos++] = 0; // response header tagged fields
  pos = flex ? out.writeUInt8(topics.length + 1, pos) : out.writeInt32BE(topics.length, pos);
  for (const t of topics) {
    pos = flex ? out.writeUInt8(t.name.length + 1, pos) : out.writeInt16BE(t.name.length, pos);
    pos += t.name.copy(out, pos);
    pos = flex ? out.writeUInt8(t.partitions.length + 1, pos) : out.writeInt32BE(t.partitions.length, pos);
    for (const p of t.partitions) {
      pos = out.writeInt32BE(p.index, pos);
      pos = out.writeInt16BE(0, pos);
      pos = out.writeBigInt64BE(BigInt(p.base), pos);
      pos = out.writeBigInt64BE(-1n, pos); // log append time: -1 under CreateTime
      if (version >= 5) pos = out.writeBigInt64BE(0n, pos); // log start offset
      if (version >= 8) {
        pos = flex ? out.writeUInt8(1, pos) : out.writeInt32BE(0, pos); // no record errors
        pos = flex ? out.writeUInt8(0, pos) : out.writeInt16BE(-1, pos); // null error message
      }
      if (flex) out[pos++] = 0;
    }
    if (flex) out[pos++] = 0;
  }
  pos = out.writeInt32BE(0, pos); // throttle time
  if (flex) out[pos++] = 0;
  return out;
}

const server = createServer({noDelay: true}, (socket) => {
  const fd = sync ? openSync(outFile, 'a') : -1;
  const out = sync ? undefined : createWriteStream(outFile, {flags: 'a'});
  const seen = new Map();
  let answers = [];
  const split = frameSplitter((parts, size) => {
    if (apiKeyOf(parts) === PRODUCE) {
      const answer = produceAnswer(parts);
      if (answer) answers.push(answer);
      return;
    }
    const a = findAnswer(canned, parts, size, seen);
    if (!a) fail(`no recorded answer for ${describeRequest(parts)} with these bytes`);
    answers.push(patchAnswer(Buffer.from(cannedBytes.subarray(a.at, a.at + a.length)), a, peek(parts, 4, 4).readInt32BE(0), port));
  });
  socket.on('data', (chunk) => {
    bytes += chunk.length;
    try {
      split(chunk);
    } catch (err) {
      fail(err.message);
    }
    const ready = answers;
    answers = [];
    if (sync) {
      for (let at = 0; at < chunk.length;) at += writeSync(fd, chunk, at);
      for (const a of ready) socket.write(a);
      return;
    }
    // Answers leave once the bytes that completed their requests are in the file, in order.
    const more = out.write(chunk, ready.length === 0 ? undefined : (err) => {
      if (err) fail(err.message);
      for (const a of ready) socket.write(a);
    });
    if (!more) {
      socket.pause();
      out.once('drain', () => socket.resume());
    }
  });
  socket.on('error', () => undefined);
  socket.on('close', () => (sync ? closeSync(fd) : out.end()));
});
process.on('SIGTERM', () => {
  process.stdout.write(`bytes ${bytes} requests ${requests} records ${records}\n`, () => process.exit(0));
});
let port = 0;
server.listen(0, '127.0.0.1', () => {
  port = server.address().port;
  process.stdout.write(`port ${port}\n`);
});
