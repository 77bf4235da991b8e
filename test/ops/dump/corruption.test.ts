/**
 * Corrupt and foreign files are reported as Kafka reports them (isvalid: false, "Found N invalid
 * bytes", index mismatches) and the dump goes on; nothing throws.
 */
import {writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {encodeBatch} from '../../../src/records/batch.js';
import {dump, offsetIndex, tempDir, writeSegment} from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
let batches: Buffer[];
beforeAll(async () => {
  ({dir, cleanup} = await tempDir());
  batches = [];
  for (let i = 0; i < 3; i++) batches.push(await encodeBatch({records: [{key: `k${i}`, value: `value ${i}`, timestamp: 1700000000000 + i}], baseOffset: BigInt(i)}));
});
afterAll(async () => cleanup());

/** Three one-record batches whose offsets start at `base`. */
async function segmentAt(base: bigint): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for (let i = 0; i < 3; i++) out.push(await encodeBatch({records: [{value: `v${i}`}], baseOffset: base + BigInt(i)}));
  return out;
}

describe('corrupt files', () => {
  it('a flipped byte makes that batch isvalid: false and the dump goes on', async () => {
    const bad = Buffer.from(batches[1]!);
    bad[bad.length - 3] ^= 0xff;
    const file = await writeSegment(dir, '00000000000000000000.log', [batches[0]!, bad, batches[2]!]);
    const {stdout, errors} = await dump([file], {printDataLog: true});
    const lines = stdout.filter((l) => l.startsWith('baseOffset: '));
    expect(lines.map((l) => l.endsWith('isvalid: true'))).toEqual([true, false, true]);
    expect(stdout.filter((l) => l.startsWith('| offset: '))).toHaveLength(3);
    expect(errors).toBe(0);
  });

  it('a truncated tail is reported as invalid bytes at the end', async () => {
    const torn = batches[2]!.subarray(0, 30);
    const file = await writeSegment(dir, '00000000000000000100.log', [batches[0]!, batches[1]!, torn]);
    const {stdout} = await dump([file]);
    expect(stdout.filter((l) => l.startsWith('baseOffset: '))).toHaveLength(2);
    expect(stdout[stdout.length - 1]).toBe('Found 30 invalid bytes at the end of 00000000000000000100.log');
  });

  it('garbage appended after the last batch is reported as invalid bytes', async () => {
    const garbage = Buffer.from('this is not a record batch, just text appended to the segment\n');
    const file = await writeSegment(dir, '00000000000000000200.log', [...batches, garbage]);
    const {stdout} = await dump([file]);
    expect(stdout.filter((l) => l.startsWith('baseOffset: '))).toHaveLength(3);
    expect(stdout[stdout.length - 1]).toBe(`Found ${garbage.length} invalid bytes at the end of 00000000000000000200.log`);
  });

  it('a zero-filled (preallocated) tail stops with Kafka\'s record-size message', async () => {
    const file = await writeSegment(dir, '00000000000000000300.log', [batches[0]!, Buffer.alloc(64)]);
    const {stdout, stderr, errors} = await dump([file]);
    expect(stdout.filter((l) => l.startsWith('baseOffset: '))).toHaveLength(1);
    expect(stderr).toEqual([`Found record size 0 smaller than minimum record overhead (14) in file ${file}.`]);
    expect(errors).toBe(1);
  });

  it('a batch whose records do not decode gets an error line and the next batch is still dumped', async () => {
    const bad = Buffer.from(batches[1]!);
    bad.writeInt32BE(5, 57); // record count 5, only 1 present
    const file = await writeSegment(dir, '00000000000000000400.log', [batches[0]!, bad, batches[2]!]);
    const {stdout, stderr} = await dump([file], {deepIteration: true});
    expect(stdout.filter((l) => l.startsWith('| offset: '))).toHaveLength(2);
    expect(stderr[0]).toContain(`Cannot read the records of the batch at position ${batches[0]!.length} of ${file}`);
    // Offset 1 was not printed, so Kafka's gap report follows.
    expect(stderr.slice(1)).toEqual([`Non-consecutive offsets in ${file}`, '  0 is followed by 2']);
  });

  it('an index entry pointing past the end of the log is a mismatch', async () => {
    const rebased = await segmentAt(500n);
    await writeSegment(dir, '00000000000000000500.log', rebased);
    const pos1 = rebased[0]!.length;
    const index = await writeSegment(dir, '00000000000000000500.index', [offsetIndex([[1, pos1], [2, 999999]])]);
    const {stdout, stderr} = await dump([index]);
    expect(stdout).toEqual([`Dumping ${index}`, 'offset: 501 position: ' + pos1, 'offset: 502 position: 999999']);
    expect(stderr).toEqual([`Mismatches in :${index}`, '  Index offset: 502, log offset: -1']);
  });

  it('an index entry at the wrong position is a mismatch with the offset found there', async () => {
    const rebased = await segmentAt(600n);
    await writeSegment(dir, '00000000000000000600.log', rebased);
    const index = await writeSegment(dir, '00000000000000000600.index', [offsetIndex([[2, rebased[0]!.length], [1, 0]])]);
    const {stderr} = await dump([index], {verifyIndexOnly: true});
    // Kafka lists the highest index offset first.
    expect(stderr).toEqual([`Mismatches in :${index}`, '  Index offset: 602, log offset: 601', '  Index offset: 601, log offset: 600']);
  });

  it('a file that is not a Kafka file gives one clear line', async () => {
    const text = join(dir, 'notes.txt');
    await writeFile(text, 'hello');
    const {stdout, stderr} = await dump([text]);
    expect(stdout).toEqual([`Dumping ${text}`]);
    expect(stderr).toEqual([`Ignoring unknown file ${text}`]);
    const badName = join(dir, 'segment.log');
    await writeFile(badName, 'hello');
    const named = await dump([badName]);
    expect(named.stderr).toHaveLength(1);
    expect(named.stderr[0]).toContain('not a Kafka log file name');
    // Text under a segment name: its "size" field runs past the end, so Kafka's one line is the invalid-bytes one.
    const textLog = join(dir, '00000000000000009999.log');
    await writeFile(textLog, 'hello world, this is plain text\n');
    expect((await dump([textLog])).stdout).toEqual([`Dumping ${textLog}`, 'Log starting offset: 9999', 'Found 32 invalid bytes at the end of 00000000000000009999.log']);
    const snapshot = join(dir, '00000000000000000000.snapshot');
    await writeFile(snapshot, 'not a snapshot at all');
    expect((await dump([snapshot])).stderr).toEqual([`Snapshot contained an unknown file version ${Buffer.from('no').readInt16BE(0)}`]);
  });

  it('a missing file or a directory is one line and the next file is dumped', async () => {
    const good = await writeSegment(dir, '00000000000000000700.log', [batches[0]!]);
    const {stdout, stderr, errors} = await dump([join(dir, 'missing.log'), dir, good]);
    expect(stderr).toEqual([`${join(dir, 'missing.log')}: no such file`, `${dir}: is a directory, not a file (give the segment files inside it)`]);
    expect(stdout.filter((l) => l.startsWith('baseOffset: '))).toHaveLength(1);
    expect(errors).toBe(2);
  });
});
