/**
 * The real broker's answers to one recorded kcat run, in the form limit/kafka-sink.mjs and
 * limit/kafka-source.mjs serve them: PREFIX.json maps each request (its bytes without the
 * correlation id) to the answers it got, in order, and PREFIX.bin holds each distinct answer once.
 * Metadata answers carry where the advertised port is, so the programs can put their own there and
 * kcat comes back to them rather than to the recording proxy.
 */
import {createHash} from 'node:crypto';
import {readFile, writeFile} from 'node:fs/promises';
import {ApiKey, apiName, decodeResponse} from '../../../src/protocol/api.js';
import {parseRequestStream, type RecordedConnection} from './replay.js';

export interface CannedAnswer {
  /** The answer frame, size prefix included, in PREFIX.bin. */
  at: number;
  length: number;
  /** Offsets in the frame of the advertised broker port (Metadata answers). */
  portAt: number[];
}

export interface CannedSummary {
  /** Distinct requests, answers recorded, and requests per API name (skipped APIs not counted). */
  requests: number;
  answers: number;
  apis: Record<string, number>;
}

/** Splits a recorded stream into frames, size prefixes included. */
export function splitFrames(buf: Buffer): Buffer[] {
  const frames: Buffer[] = [];
  for (let pos = 0; pos < buf.length;) {
    if (pos + 4 > buf.length) throw new Error(`recording ends inside a size prefix at byte ${pos}`);
    const end = pos + 4 + buf.readInt32BE(pos);
    if (end > buf.length) throw new Error(`recording ends inside the frame at byte ${pos}`);
    frames.push(buf.subarray(pos, end));
    pos = end;
  }
  return frames;
}

/** Where `port` follows `host` in a Metadata answer: the one place the advertised broker's port is written. */
function portOffsets(frame: Buffer, apiVersion: number, port: number): number[] {
  const {body} = decodeResponse<{brokers: Array<{host: string; port: number}>}>(ApiKey.Metadata, apiVersion, frame.subarray(4));
  const offsets: number[] = [];
  for (const b of body.brokers.filter((x) => x.port === port)) {
    const needle = Buffer.alloc(Buffer.byteLength(b.host) + 4);
    needle.writeInt32BE(port, needle.write(b.host));
    const at = frame.indexOf(needle);
    if (at < 0 || frame.indexOf(needle, at + 1) >= 0) throw new Error(`Metadata v${apiVersion} answer: broker ${b.host}:${port} not found exactly once`);
    offsets.push(at + needle.length - 4);
  }
  if (offsets.length === 0) throw new Error(`Metadata v${apiVersion} answer advertises no broker on port ${port}; kcat would leave the canned answers`);
  return offsets;
}

/**
 * Writes PREFIX.json and PREFIX.bin from connections recorded with answers (RecordingProxy's
 * `recordTo(prefix, true)`). `skip` leaves out APIs the serving program answers itself (Produce for
 * kafka-sink.mjs); `advertisedPort` is the recording proxy's port, which Metadata answers carry.
 */
export async function writeCanned(connections: RecordedConnection[], prefix: string, advertisedPort: number, skip: number[] = []): Promise<CannedSummary> {
  const byKey = new Map<string, CannedAnswer[]>();
  const stored = new Map<string, CannedAnswer>();
  const chunks: Buffer[] = [];
  let size = 0;
  const summary: CannedSummary = {requests: 0, answers: 0, apis: {}};
  for (const conn of connections) {
    if (!conn.responsesPath) throw new Error(`${conn.path}: recorded without answers`);
    const requestBytes = await readFile(conn.path);
    const requests = splitFrames(requestBytes);
    const meta = parseRequestStream(requestBytes).requests;
    const answers = splitFrames(await readFile(conn.responsesPath));
    let next = 0;
    for (const [i, req] of meta.entries()) {
      if (!req.expectsResponse) continue;
      const answer = answers[next++];
      // The recording may stop after kcat's last request but before its answer (kcat exited first).
      if (!answer) break;
      if (answer.readInt32BE(4) !== req.correlationId) throw new Error(`${conn.path}: answer ${next - 1} has correlation id ${answer.readInt32BE(4)}, request ${req.correlationId}`);
      if (skip.includes(req.apiKey)) continue;
      const frame = requests[i]!.subarray(4);
      const key = Buffer.concat([frame.subarray(0, 4), frame.subarray(8)]).toString('base64');
      // Answers are stored once by content (correlation id zeroed): repeated Fetches at the end are alike.
      const content = Buffer.from(answer);
      content.writeInt32BE(0, 4);
      const hash = createHash('sha1').update(content).digest('hex');
      let entry = stored.get(hash);
      if (!entry) {
        entry = {at: size, length: content.length, portAt: req.apiKey === ApiKey.Metadata ? portOffsets(content, req.apiVersion, advertisedPort) : []};
        stored.set(hash, entry);
        chunks.push(content);
        size += content.length;
      }
      if (!byKey.has(key)) {
        byKey.set(key, []);
        summary.requests++;
      }
      byKey.get(key)!.push(entry);
      summary.answers++;
      const name = apiName(req.apiKey);
      summary.apis[name] = (summary.apis[name] ?? 0) + 1;
    }
  }
  await writeFile(`${prefix}.bin`, Buffer.concat(chunks));
  await writeFile(`${prefix}.json`, JSON.stringify([...byKey].map(([key, answers]) => ({key, answers}))));
  return summary;
}
