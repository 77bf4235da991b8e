// The produce-side machine limit: a Node program that only reads a socket and appends to a file.
// Plain JavaScript (no TypeScript loader) like the compiled broker. Usage: node socket-to-file.mjs OUT_FILE
// Prints "port N" once listening, then "bytes N ms M" after the first connection ends and the file is written,
// timed from the connection so the sender's Node start-up is not counted (kcat starts in a few ms).
import {createServer} from 'node:net';
import {createWriteStream} from 'node:fs';

const server = createServer((socket) => {
  const out = createWriteStream(process.argv[2], {flags: 'a'});
  const start = process.hrtime.bigint();
  let bytes = 0;
  socket.on('data', (chunk) => { bytes += chunk.length; });
  socket.pipe(out).on('finish', () => {
    process.stdout.write(`bytes ${bytes} ms ${Number(process.hrtime.bigint() - start) / 1e6}\n`);
    server.close();
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`port ${server.address().port}\n`));
