// Shared by the kcat-ceiling programs (kafka-sink.mjs, kafka-source.mjs): splitting a socket into
// Kafka request frames without copying them, and the answers recorded from the real broker.
// Plain JavaScript, no project imports, like the other limit programs.
import {readFileSync} from 'node:fs';

/**
 * Calls onFrame(parts, size) for every complete request frame (size prefix excluded). `parts` are
 * the received chunks' slices that make up the frame, never copied: a 1 MiB Produce stays in the
 * pieces the socket delivered, and readers peek at the few bytes they need.
 */
export function frameSplitter(onFrame) {
  const prefix = Buffer.alloc(4);
  let prefixHave = 0;
  let remaining = -1;
  let size = 0;
  let parts = [];
  return (chunk) => {
    for (let pos = 0; pos < chunk.length;) {
      if (remaining < 0) {
        const n = Math.min(4 - prefixHave, chunk.length - pos);
        chunk.copy(prefix, prefixHave, pos, pos + n);
        prefixHave += n;
        pos += n;
        if (prefixHave < 4) return;
        prefixHave = 0;
        remaining = size = prefix.readInt32BE(0);
        if (size < 8) throw new Error(`request frame of ${size} bytes`);
      }
      const n = Math.min(remaining, chunk.length - pos);
      parts.push(chunk.subarray(pos, pos + n));
      remaining -= n;
      pos += n;
      if (remaining === 0) {
        const done = parts;
        parts = [];
        remaining = -1;
        onFrame(done, size);
      }
    }
  };
}

/** `n` bytes at `pos` of a frame held in parts: a slice when they lie in one part, else a copy. */
export function peek(parts, pos, n) {
  let i = 0;
  while (i < parts.length && pos >= parts[i].length) pos -= parts[i++].length;
  if (i === parts.length) throw new Error('frame ends before a field');
  if (pos + n <= parts[i].length) return parts[i].subarray(pos, pos + n);
  const out = Buffer.alloc(n);
  let have = 0;
  for (; have < n && i < parts.length; i++, pos = 0) have += parts[i].copy(out, have, pos, Math.min(parts[i].length, pos + n - have));
  if (have < n) throw new Error('frame ends inside a field');
  return out;
}

/** What identifies a request in the recording: its bytes without the correlation id. */
export function requestKey(parts, size) {
  const frame = parts.length === 1 ? parts[0] : peek(parts, 0, size);
  return frame.toString('latin1', 0, 4) + frame.toString('latin1', 8);
}

export const apiKeyOf = (parts) => peek(parts, 0, 2).readInt16BE(0);

/**
 * The answers the bench recorded from the broker (lib/canned.ts writes PREFIX.json and PREFIX.bin):
 * a Map from requestKey to the answers that request got, in order. Each answer is {at, length,
 * portAt}: its frame (size prefix included) in PREFIX.bin, and where a Metadata answer holds the
 * advertised port, which the caller replaces with its own.
 */
export function loadCanned(prefix) {
  const entries = JSON.parse(readFileSync(`${prefix}.json`, 'utf8'));
  return new Map(entries.map((e) => [Buffer.from(e.key, 'base64').toString('latin1'), e.answers]));
}

// librdkafka's Metadata requests differ from run to run (all topics, or the ones it knows of yet);
// any recorded answer of the same version serves, as it names the one topic the run uses.
const ANY_OF_VERSION = new Set([3, 18]); // Metadata, ApiVersions

/**
 * The recorded answer for a request: the n-th for the n-th identical request on this connection
 * (`seen` counts them; the last once they run out), or for ApiVersions and Metadata the first of
 * the same version. Undefined when the recording has none.
 */
export function findAnswer(canned, parts, size, seen) {
  const key = requestKey(parts, size);
  let answers = canned.get(key);
  if (!answers && ANY_OF_VERSION.has(apiKeyOf(parts))) {
    for (const [k, a] of canned) if (k.startsWith(key.slice(0, 4))) { answers = a; break; }
  }
  if (!answers) return undefined;
  const n = seen.get(key) ?? 0;
  seen.set(key, n + 1);
  return answers[Math.min(n, answers.length - 1)];
}

/** Writes `correlationId` and the advertised `port` into an answer frame (size prefix included). */
export function patchAnswer(frame, answer, correlationId, port) {
  frame.writeInt32BE(correlationId, 4);
  for (const at of answer.portAt) frame.writeInt32BE(port, at);
  return frame;
}

/** The request's API key and version, for error messages. */
export const describeRequest = (parts) => `API key ${apiKeyOf(parts)} v${peek(parts, 2, 2).readInt16BE(0)}`;
