// Load generator for the replayed-produce rows: sends a recorded client-to-broker request stream
// on one connection, the way send-file.mjs sends a file (pipeline from a 1 MiB read stream, so
// socket backpressure holds the reader), and reads responses until it has RESPONSES of them.
// The socket is not half-closed after the last byte: a Kafka broker treats end of input as the
// client going away. Plain JavaScript like the limit programs.
// Usage: node replay.mjs HOST PORT FILE RESPONSES OUT_FILE
// Writes the response frames (size prefixes included) to OUT_FILE, then prints
// "ms M cpu S responses N": wall time from the first byte sent to the last response received,
// and this process's CPU seconds over that time.
import {connect} from 'node:net';
import {createReadStream} from 'node:fs';
import {writeFile} from 'node:fs/promises';
import {pipeline} from 'node:stream/promises';
import {once} from 'node:events';

const [host, port, file, expected, out] = [process.argv[2], Number(process.argv[3]), process.argv[4], Number(process.argv[5]), process.argv[6]];
const socket = connect({host, port, noDelay: true});
await once(socket, 'connect');
const start = process.hrtime.bigint();
const cpu0 = process.cpuUsage();

const chunks = [];
let responses = 0;
// Bytes still missing of the current response, or -1 while its 4-byte size prefix is incomplete.
let remaining = -1;
const prefix = Buffer.alloc(4);
let prefixHave = 0;
const done = new Promise((resolve, reject) => {
  socket.on('data', (chunk) => {
    chunks.push(chunk);
    for (let pos = 0; pos < chunk.length;) {
      if (remaining < 0) {
        const n = Math.min(4 - prefixHave, chunk.length - pos);
        chunk.copy(prefix, prefixHave, pos, pos + n);
        prefixHave += n;
        pos += n;
        if (prefixHave < 4) break;
        remaining = prefix.readInt32BE(0);
        prefixHave = 0;
      }
      const n = Math.min(remaining, chunk.length - pos);
      remaining -= n;
      pos += n;
      if (remaining === 0) {
        remaining = -1;
        if (++responses === expected) resolve(process.hrtime.bigint());
      }
    }
  });
  socket.on('error', reject);
  socket.on('close', () => reject(new Error(`connection closed after ${responses} of ${expected} responses`)));
});

try {
  const [end] = await Promise.all([done, pipeline(createReadStream(file, {highWaterMark: 1 << 20}), socket, {end: false})]);
  const cpu = process.cpuUsage(cpu0);
  await writeFile(out, Buffer.concat(chunks));
  process.stdout.write(`ms ${Number(end - start) / 1e6} cpu ${(cpu.user + cpu.system) / 1e6} responses ${responses}\n`);
  socket.destroy();
} catch (err) {
  process.stderr.write(`replay: ${err.message}\n`);
  process.exit(1);
}
