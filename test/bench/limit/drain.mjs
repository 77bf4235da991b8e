// Consumers for the fetch limit: N connections to 127.0.0.1:PORT, each read to the end and discarded.
// Usage: node drain.mjs PORT N   Prints "bytes N ms M" (all connections together, timed from the first
// connect, so Node's own start-up is not counted: kcat starts in a few ms).
import {connect} from 'node:net';
import {once} from 'node:events';

const [port, n] = [Number(process.argv[2]), Number(process.argv[3])];
let bytes = 0;
const start = process.hrtime.bigint();
await Promise.all(Array.from({length: n}, async () => {
  const socket = connect(port, '127.0.0.1');
  socket.on('data', (chunk) => { bytes += chunk.length; });
  await once(socket, 'close');
}));
process.stdout.write(`bytes ${bytes} ms ${Number(process.hrtime.bigint() - start) / 1e6}\n`);
