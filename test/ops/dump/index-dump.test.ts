/** .index, .timeindex, .snapshot and .txnindex dumps of files built here. */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {encodeBatch} from '../../../src/records/batch.js';
import {crc32c} from '../../../src/records/crc32c.js';
import {dump, offsetIndex, tempDir, timeIndex, writeSegment} from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
/** Segment 100: batches at offsets 100-101, 102-103, 104-105, max timestamps 1000+lastOffset. */
let positions: number[];
beforeAll(async () => {
  ({dir, cleanup} = await tempDir());
  const batches: Buffer[] = [];
  positions = [];
  let pos = 0;
  for (let i = 0; i < 3; i++) {
    const base = 100n + BigInt(i * 2);
    batches.push(await encodeBatch({records: [{value: 'a', timestamp: 1000n + base}, {value: 'b', timestamp: 1001n + base}], baseOffset: base}));
    positions.push(pos);
    pos += batches[i]!.length;
  }
  await writeSegment(dir, '00000000000000000100.log', batches);
});
afterAll(async () => cleanup());

describe('.index', () => {
  it('prints entries and stops at the zero-filled preallocated tail', async () => {
    const file = await writeSegment(dir, '00000000000000000100.index', [offsetIndex([[1, positions[0]!], [3, positions[1]!], [5, positions[2]!]], 100)]);
    const {stdout, stderr} = await dump([file]);
    expect(stdout).toEqual([`Dumping ${file}`, `offset: 101 position: 0`, `offset: 103 position: ${positions[1]}`, `offset: 105 position: ${positions[2]}`]);
    expect(stderr).toEqual([]);
  });

  it('--verify-index-only prints nothing for a correct index', async () => {
    const file = await writeSegment(dir, '00000000000000000100.index', [offsetIndex([[3, positions[1]!]])]);
    expect((await dump([file], {verifyIndexOnly: true})).stdout).toEqual([`Dumping ${file}`]);
  });

  it('an all-zero index prints its base offset entry (and a mismatch when the first batch ends later)', async () => {
    const file = await writeSegment(dir, '00000000000000000100.index', [Buffer.alloc(8 * 1000)]);
    const {stdout, stderr} = await dump([file]);
    expect(stdout).toEqual([`Dumping ${file}`, 'offset: 100 position: 0']);
    expect(stderr).toEqual([`Mismatches in :${file}`, '  Index offset: 100, log offset: 101']);
  });

  it('an empty index says so', async () => {
    const file = await writeSegment(dir, '00000000000000000100.index', []);
    expect((await dump([file])).stdout).toEqual([`Dumping ${file}`, `${file} is empty.`]);
  });

  it('--index-sanity-check passes a good index and reports a bad one with Kafka\'s message', async () => {
    const good = await writeSegment(dir, '00000000000000000100.index', [offsetIndex([[1, 0]], 5)]);
    expect((await dump([good], {indexSanityCheck: true})).stdout).toEqual([`Dumping ${good}`, `${good} passed sanity check.`]);
    const odd = await writeSegment(dir, '00000000000000000100.index', [offsetIndex([[1, 0]]), Buffer.alloc(3)]);
    const bad = await dump([odd], {indexSanityCheck: true});
    expect(bad.stderr).toEqual([`Index file ${odd} is corrupt, found 11 bytes which is neither positive nor a multiple of 8`]);
    const negative = await writeSegment(dir, '00000000000000000100.index', [offsetIndex([[1, 0], [-5, 0]])]);
    expect((await dump([negative], {indexSanityCheck: true})).stderr[0]).toBe(
      `Corrupt index found, index file (${negative}) has non-zero size but the last offset is 95 which is less than the base offset 100`);
  });
});

describe('.timeindex', () => {
  it('prints entries and checks them against the log', async () => {
    await writeSegment(dir, '00000000000000000100.index', [offsetIndex([[3, positions[1]!]])]);
    const file = await writeSegment(dir, '00000000000000000100.timeindex', [timeIndex([[1101n, 1], [1103n, 3], [1105n, 5]], 10)]);
    const {stdout, stderr} = await dump([file]);
    expect(stdout).toEqual([`Dumping ${file}`, 'timestamp: 1101 offset: 101', 'timestamp: 1103 offset: 103', 'timestamp: 1105 offset: 105']);
    expect(stderr).toEqual([]);
  });

  it('an all-zero preallocated time index prints one entry and stops', async () => {
    await writeSegment(dir, '00000000000000000100.index', []);
    const file = await writeSegment(dir, '00000000000000000100.timeindex', [Buffer.alloc(12 * 1000)]);
    const {stdout, stderr} = await dump([file]);
    expect(stdout).toEqual([`Dumping ${file}`, 'timestamp: 0 offset: 100']);
    // The first batch ends at 101, not at the entry's offset 100.
    expect(stderr).toEqual(['The following indexed offsets are not found in the log.', 'Indexed offset: 100, found log offset: 101']);
  });

  it('reports timestamp mismatches, out-of-order timestamps and offsets not found', async () => {
    await writeSegment(dir, '00000000000000000100.index', []);
    const file = await writeSegment(dir, '00000000000000000100.timeindex', [timeIndex([[1101n, 1], [999n, 3], [1105n, 4], [2000n, 9]])]);
    const {stderr} = await dump([file], {verifyIndexOnly: true});
    expect(stderr).toEqual([
      `Found timestamp mismatch in :${file}`, '  Index timestamp: 999, log timestamp: 1103',
      `Found out of order timestamp in :${file}`, '  Index timestamp: 999, Previously indexed timestamp: 1101',
      'The following indexed offsets are not found in the log.', 'Indexed offset: 104, found log offset: 105',
      'Indexed offset: 109, found log offset: -1',
    ]);
  });
});

function snapshotFile(entries: {pid: bigint; epoch: number; lastSeq: number; lastOffset: bigint; delta: number; ts: bigint; coord: number; txnFirst: bigint}[]): Buffer {
  const body = Buffer.alloc(4 + entries.length * 46);
  body.writeInt32BE(entries.length, 0);
  entries.forEach((e, i) => {
    const p = 4 + i * 46;
    body.writeBigInt64BE(e.pid, p);
    body.writeInt16BE(e.epoch, p + 8);
    body.writeInt32BE(e.lastSeq, p + 10);
    body.writeBigInt64BE(e.lastOffset, p + 14);
    body.writeInt32BE(e.delta, p + 22);
    body.writeBigInt64BE(e.ts, p + 26);
    body.writeInt32BE(e.coord, p + 34);
    body.writeBigInt64BE(e.txnFirst, p + 38);
  });
  const head = Buffer.alloc(6);
  head.writeInt16BE(1, 0);
  head.writeUInt32BE(crc32c(body), 2);
  return Buffer.concat([head, body]);
}

describe('.snapshot and .txnindex', () => {
  it('prints one line per producer, with batch metadata when there is a last offset', async () => {
    const file = await writeSegment(dir, '00000000000000000106.snapshot', [snapshotFile([
      {pid: 4005n, epoch: 16, lastSeq: 11, lastOffset: 23n, delta: 2, ts: 1596728619063n, coord: 0, txnFirst: 21n},
      {pid: 7n, epoch: 0, lastSeq: -1, lastOffset: -1n, delta: 0, ts: -1n, coord: 3, txnFirst: -1n},
    ])]);
    const {stdout, stderr} = await dump([file]);
    expect(stderr).toEqual([]);
    expect(stdout.slice(1)).toEqual([
      'producerId: 4005 producerEpoch: 16 coordinatorEpoch: 0 currentTxnFirstOffset: OptionalLong[21] lastTimestamp: 1596728619063' +
        ' firstSequence: 9 lastSequence: 11 lastOffset: 23 offsetDelta: 2 timestamp: 1596728619063',
      'producerId: 7 producerEpoch: 0 coordinatorEpoch: 3 currentTxnFirstOffset: OptionalLong.empty lastTimestamp: -1',
    ]);
  });

  it('reports a snapshot whose CRC does not match', async () => {
    const buf = snapshotFile([{pid: 1n, epoch: 0, lastSeq: 0, lastOffset: 0n, delta: 0, ts: 5n, coord: 0, txnFirst: -1n}]);
    const stored = buf.readUInt32BE(2);
    buf[20] ^= 1;
    const file = await writeSegment(dir, '00000000000000000107.snapshot', [buf]);
    const {stderr} = await dump([file]);
    expect(stderr).toEqual([`Snapshot is corrupt (CRC is no longer valid). Stored crc: ${stored}. Computed crc: ${crc32c(buf.subarray(6))}`]);
  });

  it('prints aborted transactions and ignores a partial trailing entry', async () => {
    const entry = Buffer.alloc(34);
    entry.writeInt16BE(0, 0);
    entry.writeBigInt64BE(4009n, 2);
    entry.writeBigInt64BE(6n, 10);
    entry.writeBigInt64BE(11n, 18);
    entry.writeBigInt64BE(6n, 26);
    const file = await writeSegment(dir, '00000000000000000100.txnindex', [entry, entry, Buffer.alloc(10)]);
    const {stdout} = await dump([file]);
    expect(stdout.slice(1)).toEqual(Array(2).fill('version: 0 producerId: 4009 firstOffset: 6 lastOffset: 11 lastStableOffset: 6'));
  });
});
