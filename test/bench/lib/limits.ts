/**
 * The machine's limits, measured in the same run as the broker: minimal Node programs (limit/*.mjs)
 * that move the same bytes with no Kafka work at all (or, for the kcat ceiling and latency, only
 * the answers a client waits for), each side in its own process like kcat and the broker; and the
 * start and stop of such a program when it serves a client (startProgram, stopProgram).
 */
import {spawn, type ChildProcess} from 'node:child_process';
import {once} from 'node:events';
import {join} from 'node:path';
import {rm} from 'node:fs/promises';
import {runOk, waitForLine} from './proc.js';

const LIMIT_DIR = join(import.meta.dirname, '..', 'limit');

/** Streams `file` from one process into a second that appends it to a file; returns ms and bytes. */
export async function socketToFileLimit(file: string, scratchFile: string): Promise<{ms: number; bytes: number}> {
  await rm(scratchFile, {force: true});
  const sink = await startProgram('socket-to-file.mjs', [scratchFile]);
  try {
    const done = waitForLine(sink.child, /bytes (\d+) ms ([\d.]+)/, 600_000);
    await runOk(process.execPath, [join(LIMIT_DIR, 'send-file.mjs'), String(sink.port), file]);
    const {match: result} = await done;
    return {bytes: Number(result[1]), ms: Number(result[2])};
  } finally {
    sink.child.kill();
    await rm(scratchFile, {force: true});
  }
}

/** `consumers` connections each receive all of `files` from a file-to-socket server; returns ms and total bytes. */
export async function fileToSocketLimit(files: string[], consumers: number): Promise<{ms: number; bytes: number}> {
  const source = await startProgram('file-to-socket.mjs', files);
  try {
    const r = await runOk(process.execPath, [join(LIMIT_DIR, 'drain.mjs'), String(source.port), String(consumers)]);
    const result = /bytes (\d+) ms ([\d.]+)/.exec(r.stdout);
    return {bytes: Number(result?.[1]), ms: Number(result?.[2])};
  } finally {
    source.child.kill();
  }
}

/**
 * append-many.mjs: `partitions` open segment files in a new directory under `workDir`, `rounds`
 * rounds of one `batchBytes` write to each (ms per round; the first writes each file's first
 * block), then every file read back once (ms). The directory is removed afterwards.
 */
export async function appendManyLimit(workDir: string, partitions: number, batchBytes: number, rounds: number): Promise<{appendMs: number[]; readMs: number}> {
  const dir = join(workDir, 'append-many-limit');
  try {
    const r = await runOk(process.execPath, [join(LIMIT_DIR, 'append-many.mjs'), dir, String(partitions), String(batchBytes), String(rounds)]);
    const appendMs = [...r.stdout.matchAll(/^append \d+ ms ([\d.]+)$/gm)].map((m) => Number(m[1]));
    const read = /^read ms ([\d.]+) bytes (\d+)$/m.exec(r.stdout);
    if (appendMs.length !== rounds || !read || Number(read[2]) !== partitions * batchBytes * rounds) {
      throw new Error(`append-many.mjs: unexpected output ${r.stdout.trim().slice(0, 200)}`);
    }
    return {appendMs, readMs: Number(read[1])};
  } finally {
    await rm(dir, {recursive: true, force: true});
  }
}

export interface Program {
  child: ChildProcess;
  port: number;
  abort: AbortController;
  stdout: () => string;
  closed: Promise<unknown>;
}

/** Starts a limit program; `abort` fires if it exits before it is told to stop (it failed: its stderr says why). */
export async function startProgram(script: string, args: string[]): Promise<Program> {
  const child = spawn(process.execPath, [join(LIMIT_DIR, script), ...args], {stdio: ['ignore', 'pipe', 'pipe']});
  let stderr = '';
  let stdout = '';
  child.stderr!.on('data', (c: Buffer) => { stderr += c.toString(); });
  child.stdout!.on('data', (c: Buffer) => { stdout += c.toString(); });
  const closed = once(child, 'close');
  const abort = new AbortController();
  child.once('exit', (code) => abort.abort(new Error(`${script} exited (${code}): ${stderr.trim().slice(0, 300)}`)));
  try {
    const {match} = await waitForLine(child, /port (\d+)/, 10_000);
    return {child, port: Number(match[1]), abort, stdout: () => stdout, closed};
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
}

/** SIGTERM makes the program print its counters and exit; returns that line once its pipes are closed. */
export async function stopProgram(p: Program, pattern: RegExp): Promise<RegExpMatchArray> {
  p.child.kill('SIGTERM');
  await p.closed;
  const m = pattern.exec(p.stdout());
  if (!m) throw new Error(`no line matching ${pattern} after SIGTERM: ${p.stdout().slice(-200)}`);
  return m;
}
