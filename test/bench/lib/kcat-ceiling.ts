/**
 * The machine's ceiling with kcat as the load generator: the same kcat command as a broker row, run
 * against a minimal Node program that answers it (limit/kafka-sink.mjs for kcat -P,
 * limit/kafka-source.mjs for kcat -C) from the answers recorded off the real broker (lib/canned.ts).
 * kcat's own CPU time is paid on both sides, so the broker's share of it is what is left.
 */
import {rm, stat} from 'node:fs/promises';
import {runWithCpu, type RunResult} from './proc.js';
import {startProgram, stopProgram} from './limits.js';

export interface ProduceCeiling {
  /** kcat's wall time and CPU seconds, as in the broker rows. */
  ms: number;
  kcatCpuSeconds: number;
  /** Bytes the sink appended (all requests, framing included), Produce requests, records in acknowledged batches. */
  bytes: number;
  requests: number;
  records: number;
}

/** Runs `kcatArgs(address)` (a kcat -P command) against kafka-sink.mjs answering from `cannedPrefix`. */
export async function produceCeiling(kcat: string, kcatArgs: (address: string) => string[], cannedPrefix: string, scratchFile: string): Promise<ProduceCeiling> {
  await rm(scratchFile, {force: true});
  const sink = await startProgram('kafka-sink.mjs', [scratchFile, cannedPrefix]);
  try {
    const r = await runWithCpu(kcat, kcatArgs(`127.0.0.1:${sink.port}`), {abort: sink.abort.signal});
    const m = await stopProgram(sink, /bytes (\d+) requests (\d+) records (\d+)/);
    const onDisk = (await stat(scratchFile)).size;
    if (onDisk !== Number(m[1])) throw new Error(`kafka-sink.mjs received ${m[1]} bytes but its file holds ${onDisk}`);
    return {ms: r.ms, kcatCpuSeconds: r.cpuSeconds, bytes: onDisk, requests: Number(m[2]), records: Number(m[3])};
  } finally {
    sink.child.kill('SIGKILL');
    await rm(scratchFile, {force: true});
  }
}

export interface FetchCeiling {
  /** Wall time of all consumers together, their CPU seconds summed, and each one's result. */
  ms: number;
  kcatCpuSeconds: number;
  runs: RunResult[];
  /** Answers kafka-source.mjs sent and their bytes. */
  answers: number;
  bytes: number;
}

/** Runs `consumers` copies of `kcatArgs(address)` (a kcat -C -e command) at once against kafka-source.mjs answering from `cannedPrefix`. */
export async function fetchCeiling(kcat: string, kcatArgs: (address: string) => string[], consumers: number, cannedPrefix: string): Promise<FetchCeiling> {
  const source = await startProgram('kafka-source.mjs', [cannedPrefix]);
  try {
    const start = process.hrtime.bigint();
    const runs = await Promise.all(Array.from({length: consumers}, () => runWithCpu(kcat, kcatArgs(`127.0.0.1:${source.port}`), {stdoutTo: 'ignore', abort: source.abort.signal})));
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    const m = await stopProgram(source, /answers (\d+) bytes (\d+)/);
    return {ms, kcatCpuSeconds: runs.reduce((s, r) => s + r.cpuSeconds, 0), runs, answers: Number(m[1]), bytes: Number(m[2])};
  } finally {
    source.child.kill('SIGKILL');
  }
}
