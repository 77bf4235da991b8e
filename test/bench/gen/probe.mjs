// The scale scenario's probe, in a process of its own so that the bench's own work (opening 1,000
// connections, encoding 10,000-partition requests) never delays it: one connection sends an
// ApiVersions v0 request, waits for the whole response, sleeps INTERVAL_MS, and again, until its
// stdin closes. Then prints one line of JSON: [[sentAt, ms], ...], sentAt in ms since the epoch
// (performance.timeOrigin + performance.now(), comparable across processes).
// Usage: node probe.mjs HOST PORT INTERVAL_MS
import {connect} from 'node:net';

const [host, port, interval] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];

/** ApiVersions v0 (request header v1, client id "probe", empty body), correlation id patched per request. */
function request(correlationId) {
  const clientId = Buffer.from('probe');
  const frame = Buffer.alloc(4 + 2 + 2 + 4 + 2 + clientId.length);
  frame.writeInt32BE(frame.length - 4, 0);
  frame.writeInt16BE(18, 4);
  frame.writeInt16BE(0, 6);
  frame.writeInt32BE(correlationId, 8);
  frame.writeInt16BE(clientId.length, 12);
  clientId.copy(frame, 14);
  return frame;
}

const socket = connect(port, host);
socket.setNoDelay(true);
const samples = [];
let running = true;
let pending = null; // {sentAt, t0, correlationId}
let received = Buffer.alloc(0);
let correlationId = 0;

function send() {
  if (!running) return finish();
  correlationId++;
  pending = {sentAt: performance.timeOrigin + performance.now(), t0: performance.now(), correlationId};
  socket.write(request(correlationId));
}

socket.on('data', (chunk) => {
  received = received.length === 0 ? chunk : Buffer.concat([received, chunk]);
  while (received.length >= 4 && received.length >= 4 + received.readInt32BE(0)) {
    const size = received.readInt32BE(0);
    const id = received.readInt32BE(4);
    received = received.subarray(4 + size);
    if (!pending || id !== pending.correlationId) throw new Error(`probe: unexpected correlation id ${id}`);
    samples.push([Math.round(pending.sentAt * 1000) / 1000, Math.round((performance.now() - pending.t0) * 1000) / 1000]);
    pending = null;
    setTimeout(send, interval);
  }
});
socket.on('error', (err) => {
  process.stderr.write(`probe: ${err.message}\n`);
  process.exit(1);
});
socket.on('connect', send);
process.stdin.on('data', () => undefined);
process.stdin.on('end', () => { running = false; if (!pending) finish(); });

function finish() {
  process.stdout.write(`${JSON.stringify(samples)}\n`);
  socket.destroy();
  process.exit(0);
}
