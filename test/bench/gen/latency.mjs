// The latency scenario's load generator, in a process of its own and making no garbage per request,
// so that the latency it times is the server's and not its own: run inside the bench process, with
// a Buffer per request and a 64 KiB buffer per read, its own scavenges and other event-loop stalls
// were in flight for 85-94% of the requests slower than 4 ms.
// One connection sends copies of one encoded Produce request (TEMPLATE_FILE, a whole frame with its
// size prefix; only the correlation id, header bytes 8-11, is patched) and matches answers by
// correlation id without decoding them: each answer must carry the next id, as a Kafka broker answers
// a connection's requests in order (that every append succeeded is checked afterwards by the
// caller, through the partition's end offset). Three phases:
//   1. warm-up: WARM_S seconds of a closed loop with 16 requests in flight (JIT, page cache);
//   2. max: MAX_S seconds of the same closed loop, its rate reported as the maximum;
//   3. open loop: OPEN_S seconds at RATE requests/s (or at half of the measured maximum when RATE is
//      "half"), sent on a 1 ms schedule, every request that is due by each tick written at once, and
//      each timed from that write to its answer.
// Usage: node latency.mjs HOST PORT TEMPLATE_FILE WARM_S MAX_S RATE|half OPEN_S LATENCIES_FILE
// Writes the open loop's latencies (ms, float64, in send order) to LATENCIES_FILE and prints one line
// of JSON: {max, rate, sent, stalls, stalledMs}: requests/s of phase 2, the open loop's rate,
// requests sent in all, and the ticks of this process's event loop that came 2 ms or more late
// (its own stalls, which would count as latency) with how late they came, in ms, in all.
import {connect} from 'node:net';
import {once} from 'node:events';
import {readFileSync, writeFileSync} from 'node:fs';

const [host, port, templateFile, warmS, maxS, rateArg, openS, latenciesFile] = process.argv.slice(2);
const template = readFileSync(templateFile);
const SIZE = template.length;
const IN_FLIGHT = 16;
const STALL_MS = 2;
const ANSWER_TIMEOUT_S = 30;
/** Send times by correlation id (a ring: far more than are ever in flight, 12 s of the open loop at 84,000/s). */
const RING = 1 << 20;
const sentAt = new Float64Array(RING);

// Outgoing requests are written from reused buffers of template copies; a buffer is reused only
// once its write has completed (Node keeps a reference to the bytes until then).
const free = [];
function sendBuffer(count) {
  const i = free.findIndex((b) => b.length >= count * SIZE);
  if (i >= 0) return free.splice(i, 1)[0];
  const n = Math.max(count, 256);
  const buffer = Buffer.allocUnsafeSlow(n * SIZE);
  for (let j = 0; j < n; j++) template.copy(buffer, j * SIZE);
  return buffer;
}

let nextId = 1;
let sent = 0;
/** The correlation id the next answer must carry (answers come in order: nextAnswer - 1 have come). */
let nextAnswer = 1;
/** Writes `count` requests at once; `now` is their send time. */
function send(count, now) {
  const buffer = sendBuffer(count);
  for (let i = 0; i < count; i++) {
    const id = nextId++;
    buffer.writeInt32BE(id, i * SIZE + 8);
    sentAt[id % RING] = now;
  }
  sent += count;
  socket.write(count * SIZE === buffer.length ? buffer : buffer.subarray(0, count * SIZE), () => free.push(buffer));
}

// Answers are read into one reused buffer; a partial frame is carried to the front of `pending`.
const pending = Buffer.allocUnsafeSlow(1 << 20);
let pendingLength = 0;
let onAnswer = (_ms) => undefined;
const socket = connect({
  host, port: Number(port), noDelay: true,
  onread: {
    buffer: Buffer.allocUnsafeSlow(64 * 1024),
    callback(n, buf) {
      if (pendingLength + n > pending.length) fail(`answer larger than ${pending.length} bytes`);
      buf.copy(pending, pendingLength, 0, n);
      pendingLength += n;
      const now = performance.now();
      let pos = 0;
      while (pendingLength - pos >= 8) {
        const size = pending.readInt32BE(pos);
        if (pendingLength - pos < 4 + size) break;
        const id = pending.readInt32BE(pos + 4);
        if (id !== nextAnswer) fail(`answer with correlation id ${id}, expected ${nextAnswer}`);
        nextAnswer++;
        onAnswer(now - sentAt[id % RING]);
        pos += 4 + size;
      }
      pending.copyWithin(0, pos, pendingLength);
      pendingLength -= pos;
    },
  },
});
socket.on('error', (err) => fail(err.message));
socket.on('end', () => fail('the server closed the connection'));
await once(socket, 'connect');
// A server that stops answering fails the run instead of hanging it.
let answeredBefore = -1;
setInterval(() => {
  const answered = nextAnswer - 1;
  if (answered === answeredBefore && answered < sent) fail(`no answer for ${ANSWER_TIMEOUT_S} s (${sent - answered} requests unanswered)`);
  answeredBefore = answered;
}, ANSWER_TIMEOUT_S * 1000).unref();

function fail(message) {
  process.stderr.write(`latency.mjs: ${message}\n`);
  process.exit(1);
}

/** A closed loop with IN_FLIGHT requests in flight for `seconds`; resolves with its rate. */
function closedLoop(seconds) {
  if (seconds <= 0) return Promise.resolve(0);
  return new Promise((resolve) => {
    const deadline = performance.now() + seconds * 1000;
    let inFlight = IN_FLIGHT;
    let answered = 0;
    onAnswer = () => {
      answered++;
      const now = performance.now();
      if (now < deadline) send(1, now);
      else if (--inFlight === 0) resolve(answered / seconds);
    };
    for (let i = 0; i < IN_FLIGHT; i++) send(1, performance.now());
  });
}

/** Sends at `rate` for `seconds`; resolves with every request's latency once all are answered. */
function openLoop(rate, seconds) {
  const total = Math.floor(rate * seconds);
  const latencies = new Float64Array(total);
  let answered = 0;
  let stalls = 0;
  let stalledMs = 0;
  if (total === 0) return Promise.resolve({latencies, stalls, stalledMs});
  return new Promise((resolve) => {
    onAnswer = (ms) => {
      latencies[answered++] = ms;
      if (answered === total) resolve({latencies, stalls, stalledMs});
    };
    const start = performance.now();
    let last = start;
    let due = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      if (now - last >= 1 + STALL_MS) {
        stalls++;
        stalledMs += now - last - 1;
      }
      last = now;
      // Every request due by now, so a late tick does not lower the rate.
      const target = Math.min(total, Math.floor(((now - start) / 1000) * rate));
      if (target > due) send(target - due, now);
      due = target;
      if (due === total) clearInterval(timer);
    }, 1);
  });
}

await closedLoop(Number(warmS));
const max = await closedLoop(Number(maxS));
const rate = rateArg === 'half' ? max / 2 : Number(rateArg);
const {latencies, stalls, stalledMs} = await openLoop(rate, Number(openS));
writeFileSync(latenciesFile, latencies);
process.stdout.write(`${JSON.stringify({max, rate, sent, stalls, stalledMs: Math.round(stalledMs)})}\n`);
socket.destroy();
