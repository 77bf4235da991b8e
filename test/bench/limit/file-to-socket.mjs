// The fetch-side machine limit: a Node program that only reads a file and writes it to a socket,
// once per connection. Usage: node file-to-socket.mjs FILE...   Prints "port N" once listening.
// The files are sent one after the other on every connection, like a consumer reading all partitions.
import {createServer} from 'node:net';
import {createReadStream} from 'node:fs';
import {pipeline} from 'node:stream/promises';

const files = process.argv.slice(2);
const server = createServer(async (socket) => {
  socket.on('error', () => undefined);
  for (const file of files) await pipeline(createReadStream(file, {highWaterMark: 1 << 20}), socket, {end: false});
  socket.end();
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`port ${server.address().port}\n`));
