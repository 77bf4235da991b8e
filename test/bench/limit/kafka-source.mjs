// The fetch-side kcat ceiling: the least a "broker" can do for kcat -C. Like file-to-socket.mjs it
// reads a file and writes a socket: every request is answered with the answer the real broker gave
// to the same request (same bytes but the correlation id) when the bench recorded one kcat -C run,
// read from the recording file at the time of the request (correlation id and advertised port
// patched). The n-th identical request on a connection gets the n-th recorded answer (the last one
// once they run out); ApiVersions and Metadata any recorded answer of their version. Plain JavaScript like the other limit programs.
// Usage: node kafka-source.mjs CANNED_PREFIX   Prints "port N" once listening; on SIGTERM prints
// "answers N bytes B" and exits. A request the recording lacks ends it with exit code 2.
import {createServer} from 'node:net';
import {open} from 'node:fs/promises';
import {describeRequest, findAnswer, frameSplitter, loadCanned, patchAnswer, peek} from './kafka-frames.mjs';

const prefix = process.argv[2];
const canned = loadCanned(prefix);
const file = await open(`${prefix}.bin`);
let answers = 0;
let bytes = 0;
let port = 0;

function fail(message) {
  process.stderr.write(`kafka-source: ${message}\n`);
  process.exit(2);
}

const server = createServer({noDelay: true}, (socket) => {
  const seen = new Map();
  // Reads finish in any order; answers go out in request order, as Kafka requires.
  let tail = Promise.resolve();
  const split = frameSplitter((parts, size) => {
    const a = findAnswer(canned, parts, size, seen);
    if (!a) fail(`no recorded answer for ${describeRequest(parts)} with these bytes (librdkafka sent a request the recorded run did not)`);
    const correlationId = peek(parts, 4, 4).readInt32BE(0);
    const read = file.read(Buffer.allocUnsafe(a.length), 0, a.length, a.at);
    tail = Promise.all([tail, read]).then(([, {buffer}]) => {
      answers++;
      bytes += a.length;
      socket.write(patchAnswer(buffer, a, correlationId, port));
    }, (err) => fail(err.message));
  });
  socket.on('data', (chunk) => {
    try {
      split(chunk);
    } catch (err) {
      fail(err.message);
    }
  });
  socket.on('error', () => undefined);
});
process.on('SIGTERM', () => {
  process.stdout.write(`answers ${answers} bytes ${bytes}\n`, () => process.exit(0));
});
server.listen(0, '127.0.0.1', () => {
  port = server.address().port;
  process.stdout.write(`port ${port}\n`);
});
