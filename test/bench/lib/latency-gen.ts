/** Runs gen/latency.mjs (the latency scenario's load generator, a process of its own) and reads what it measured. */
import {join} from 'node:path';
import {readFile, rm, writeFile} from 'node:fs/promises';
import {runOk} from './proc.js';
import {ApiKey, encodeRequest} from '../../../src/protocol/api.js';
import {splitHostPort} from '../../../src/client/protocol-client.js';

export interface LatencyPhases {
  /** Seconds of closed loop before anything is measured. */
  warmSeconds: number;
  /** Seconds of closed loop whose rate is reported as `max` (0: none). */
  maxSeconds: number;
  /** Open-loop requests/s, or 'half' of the measured max. */
  rate: number | 'half';
  /** Seconds of open loop (0: none). */
  openSeconds: number;
}

export interface LatencyRun {
  max: number;
  rate: number;
  /** Requests sent in all phases. */
  sent: number;
  /** The generator's own event-loop ticks that came 2 ms or more late, and the ms they took. */
  stalls: number;
  stalledMs: number;
  /** Open-loop latencies (ms) in send order. */
  latencies: Float64Array;
}

/**
 * Writes to `file` the request latency.mjs sends copies of: Produce v9 (header v1, so the
 * correlation id is at bytes 8-11 of the frame, where latency.mjs patches it) of `records` (one
 * encoded batch) to partition 0 of `topic`, acks=1.
 */
export async function writeLatencyRequest(file: string, topic: string, records: Buffer): Promise<void> {
  await writeFile(file, encodeRequest(ApiKey.Produce, 9, 0, 'kstream-bench', {
    transactionalId: null, acks: 1, timeoutMs: 30_000, topicData: [{name: topic, partitionData: [{index: 0, records}]}],
  }));
}

/** `templateFile` holds one whole Produce request frame, size prefix included (writeLatencyRequest); `scratch` is a file path the latencies pass through. */
export async function runLatencyGen(address: string, templateFile: string, phases: LatencyPhases, scratch: string): Promise<LatencyRun> {
  const {host, port} = splitHostPort(address);
  try {
    const {stdout} = await runOk(process.execPath, [join(import.meta.dirname, '..', 'gen', 'latency.mjs'), host, String(port), templateFile,
      String(phases.warmSeconds), String(phases.maxSeconds), String(phases.rate), String(phases.openSeconds), scratch]);
    const summary = JSON.parse(stdout.trim()) as Omit<LatencyRun, 'latencies'>;
    const bytes = await readFile(scratch);
    return {...summary, latencies: new Float64Array(bytes.buffer, bytes.byteOffset, bytes.length / 8)};
  } finally {
    await rm(scratch, {force: true});
  }
}
