// Load generator for the raw-Fetch rows: N connections at once, each reading one partition from
// offset 0 to END_OFFSET with Fetch requests sent one at a time (the next one after the previous
// response ended), discarding the records like drain.mjs discards the limit's bytes. Each chunk a
// socket reads is parsed as it comes and then dropped, as drain.mjs drops it: the only work per
// response is reading its small fields and the 27-byte header of each batch, for the next offset.
// (It used to hold a response's chunks until the whole response had come: a quarter of its CPU
// time was then page faults of the kernel copying into fresh read buffers, and with 100-byte records
// it, not the broker, set the row's figure.)
// Usage: node fetch.mjs HOST PORT CONNECTIONS END_OFFSET REQUEST_HEX OFFSET_POS
// REQUEST_HEX is one Fetch v12 request for the partition (size prefix included), encoded by the
// bench with the project's codec; each request patches its correlation id (bytes 8-11) and the
// fetch offset (the int64 at OFFSET_POS). Prints "bytes B ms M cpu S requests R per-connection B1,B2,...":
// the bytes of the complete batches received on all connections, the wall time from the first
// connect until every connection reached END_OFFSET (like drain.mjs), this process's CPU seconds
// over that time, the number of Fetch requests, and the bytes per connection.
import {connect} from 'node:net';
import {once} from 'node:events';
import {ResponseParser} from './fetch-parser.mjs';

const host = process.argv[2];
const port = Number(process.argv[3]);
const connections = Number(process.argv[4]);
const endOffset = BigInt(process.argv[5]);
const template = Buffer.from(process.argv[6], 'hex');
const offsetPos = Number(process.argv[7]);

async function readPartition(id) {
  const socket = connect({host, port, noDelay: true});
  await once(socket, 'connect');
  const request = Buffer.from(template);
  let offset = 0n;
  let bytes = 0;
  let requests = 0;
  let parser;
  let waiting;
  socket.on('data', (chunk) => {
    try {
      if (parser.feed(chunk) < chunk.length) throw new Error('bytes after the Fetch response: one request is in flight at a time');
      if (parser.done()) waiting.resolve(parser);
    } catch (err) {
      waiting.reject(err);
    }
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
      parser = new ResponseParser(offset);
      const response = new Promise((resolve, reject) => { waiting = {resolve, reject}; });
      socket.write(request);
      const r = await Promise.race([response, closed]);
      if (r.next <= offset) throw new Error(`connection ${id}: no complete batch at offset ${offset} (${r.records.length} bytes of records)`);
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
