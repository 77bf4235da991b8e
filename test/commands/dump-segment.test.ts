/**
 * `kstream dump-segment` run through oclif as a child process (node bin/dev.js): Kafka's text,
 * JSON lines, the --files form, and the exit codes for unreadable files and missing arguments.
 */
import {execFile} from 'node:child_process';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {encodeBatch} from '../../src/records/batch.js';
import {tempDir, writeSegment} from '../ops/dump/helpers.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function kstream(args: string[]): Promise<{code: number; stdout: string; stderr: string}> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(repo, 'bin/dev.js'), 'dump-segment', ...args], {cwd: repo, env: {...process.env, NO_COLOR: '1'}}, (err, stdout, stderr) => {
      const code = err ? (typeof (err as {code?: unknown}).code === 'number' ? (err as {code: number}).code : 1) : 0;
      resolve({code, stdout, stderr});
    });
  });
}

let dir: string;
let cleanup: () => Promise<void>;
let log: string;
beforeAll(async () => {
  ({dir, cleanup} = await tempDir());
  const a = await encodeBatch({records: [{key: 'k', value: 'hello', timestamp: 1700000000000}], compression: 4});
  const b = await encodeBatch({records: [{value: 'world', timestamp: 1700000000001}], baseOffset: 1n});
  log = await writeSegment(dir, '00000000000000000000.log', [a, b, Buffer.from('junk')]);
});
afterAll(async () => cleanup());

describe('kstream dump-segment', () => {
  it('prints Kafka\'s text with --print-data-log', async () => {
    const {code, stdout, stderr} = await kstream(['--print-data-log', log]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`Dumping ${log}`);
    expect(lines[1]).toBe('Log starting offset: 0');
    expect(lines[2]).toMatch(/^baseOffset: 0 lastOffset: 0 count: 1 .* compresscodec: zstd crc: \d+ isvalid: true$/);
    expect(lines[3]).toBe('| offset: 0 CreateTime: 1700000000000 keySize: 1 valueSize: 5 sequence: -1 headerKeys: [] key: k payload: hello');
    expect(lines[5]).toBe('| offset: 1 CreateTime: 1700000000001 keySize: -1 valueSize: 5 sequence: -1 headerKeys: [] payload: world');
    expect(lines[6]).toBe('Found 4 invalid bytes at the end of 00000000000000000000.log');
  }, 60_000);

  it('writes JSON lines with -o json and accepts --files', async () => {
    const {code, stdout} = await kstream(['-o', 'json', '--deep-iteration', '--files', log]);
    expect(code).toBe(0);
    const events = stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as {type: string});
    expect(events.map((e) => e.type)).toEqual(['file', 'log-start', 'batch', 'record', 'batch', 'record', 'invalid-bytes']);
    expect(events[2]).toMatchObject({baseOffset: 0, count: 1, compressCodec: 'zstd', isValid: true, position: 0});
  }, 60_000);

  it('exits 1 with one line for a missing file, 2 without files', async () => {
    const missing = await kstream([path.join(dir, 'nope.log'), log]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(`${path.join(dir, 'nope.log')}: no such file\n`);
    expect(missing.stdout).toContain('Log starting offset: 0');
    const none = await kstream([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no file given');
  }, 60_000);
});
