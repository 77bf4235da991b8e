/**
 * The machine's limits, measured in the same run as the broker: minimal Node programs (limit/*.mjs)
 * that move the same bytes with no Kafka work at all, each side in its own process like kcat and
 * the broker.
 */
import {spawn} from 'node:child_process';
import {join} from 'node:path';
import {rm} from 'node:fs/promises';
import {runOk, waitForLine} from './proc.js';

const LIMIT_DIR = join(import.meta.dirname, '..', 'limit');

/** Streams `file` from one process into a second that appends it to a file; returns ms and bytes. */
export async function socketToFileLimit(file: string, scratchFile: string): Promise<{ms: number; bytes: number}> {
  await rm(scratchFile, {force: true});
  const sink = spawn(process.execPath, [join(LIMIT_DIR, 'socket-to-file.mjs'), scratchFile], {stdio: ['ignore', 'pipe', 'pipe']});
  try {
    const {match} = await waitForLine(sink, /port (\d+)/, 10_000);
    const done = waitForLine(sink, /bytes (\d+) ms ([\d.]+)/, 600_000);
    await runOk(process.execPath, [join(LIMIT_DIR, 'send-file.mjs'), match[1]!, file]);
    const {match: result} = await done;
    return {bytes: Number(result[1]), ms: Number(result[2])};
  } finally {
    sink.kill();
    await rm(scratchFile, {force: true});
  }
}

/** `consumers` connections each receive all of `files` from a file-to-socket server; returns ms and total bytes. */
export async function fileToSocketLimit(files: string[], consumers: number): Promise<{ms: number; bytes: number}> {
  const source = spawn(process.execPath, [join(LIMIT_DIR, 'file-to-socket.mjs'), ...files], {stdio: ['ignore', 'pipe', 'pipe']});
  try {
    const {match} = await waitForLine(source, /port (\d+)/, 10_000);
    const r = await runOk(process.execPath, [join(LIMIT_DIR, 'drain.mjs'), match[1]!, String(consumers)]);
    const result = /bytes (\d+) ms ([\d.]+)/.exec(r.stdout);
    return {bytes: Number(result?.[1]), ms: Number(result?.[2])};
  } finally {
    source.kill();
  }
}
