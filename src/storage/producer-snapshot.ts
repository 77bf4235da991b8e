/**
 * Producer-state snapshot files, `<20-digit offset>.snapshot` in the partition directory, in
 * Kafka's ProducerStateManager format (version 1):
 *   version int16 | crc uint32 (CRC32C of everything after it) | count int32 | entries:
 *   producerId int64 | producerEpoch int16 | lastSequence int32 | lastOffset int64
 *   | offsetDelta int32 | timestamp int64 | coordinatorEpoch int32 | currentTxnFirstOffset int64
 * The offset in the name is where the state stops: batches from it on are replayed on load.
 * Only each producer's last batch is kept, as in Kafka.
 */
import * as path from 'node:path';
import {crc32c} from '../records/crc32c.js';
import {parseSegmentFileName, segmentFileName} from './filenames.js';
import type {FileSystem} from './fs.js';
import {type ProducerEntry, decrementSequence} from './producer-state.js';

export const SNAPSHOT_VERSION = 1;
const CRC_OFFSET = 2;
const ENTRIES_OFFSET = 6;
const ENTRY_SIZE = 46;

export function encodeProducerSnapshot(entries: readonly ProducerEntry[]): Buffer {
  const buf = Buffer.alloc(ENTRIES_OFFSET + 4 + entries.length * ENTRY_SIZE);
  buf.writeInt16BE(SNAPSHOT_VERSION, 0);
  buf.writeInt32BE(entries.length, ENTRIES_OFFSET);
  let p = ENTRIES_OFFSET + 4;
  for (const e of entries) {
    const last = e.batches[e.batches.length - 1];
    buf.writeBigInt64BE(e.producerId, p);
    buf.writeInt16BE(e.epoch, p + 8);
    buf.writeInt32BE(last ? last.lastSeq : -1, p + 10);
    buf.writeBigInt64BE(last ? last.lastOffset : -1n, p + 14);
    buf.writeInt32BE(last ? last.offsetDelta : 0, p + 22);
    buf.writeBigInt64BE(last ? last.timestamp : e.lastTimestamp, p + 26);
    buf.writeInt32BE(e.coordinatorEpoch, p + 34);
    buf.writeBigInt64BE(e.currentTxnFirstOffset, p + 38);
    p += ENTRY_SIZE;
  }
  buf.writeUInt32BE(crc32c(buf.subarray(ENTRIES_OFFSET)), CRC_OFFSET);
  return buf;
}

/** Kafka's messages (CorruptSnapshotException) for a file it would refuse. */
export function decodeProducerSnapshot(buf: Buffer): ProducerEntry[] {
  if (buf.length < ENTRIES_OFFSET + 4) throw new Error(`Snapshot failed schema validation: Error reading field 'version': file has ${buf.length} bytes`);
  const version = buf.readInt16BE(0);
  if (version !== SNAPSHOT_VERSION) throw new Error(`Snapshot contained an unknown file version ${version}`);
  const crc = buf.readUInt32BE(CRC_OFFSET);
  const computed = crc32c(buf.subarray(ENTRIES_OFFSET));
  if (crc !== computed) throw new Error(`Snapshot is corrupt (CRC is no longer valid). Stored crc: ${crc}. Computed crc: ${computed}`);
  const count = buf.readInt32BE(ENTRIES_OFFSET);
  if (count < 0 || ENTRIES_OFFSET + 4 + count * ENTRY_SIZE > buf.length) {
    throw new Error(`Snapshot failed schema validation: Error reading array of size ${count}, only ${buf.length - ENTRIES_OFFSET - 4} bytes available`);
  }
  const out: ProducerEntry[] = [];
  for (let i = 0, p = ENTRIES_OFFSET + 4; i < count; i++, p += ENTRY_SIZE) {
    const lastSeq = buf.readInt32BE(p + 10);
    const lastOffset = buf.readBigInt64BE(p + 14);
    const offsetDelta = buf.readInt32BE(p + 22);
    const timestamp = buf.readBigInt64BE(p + 26);
    out.push({
      producerId: buf.readBigInt64BE(p),
      epoch: buf.readInt16BE(p + 8),
      batches: lastOffset >= 0n ? [{firstSeq: decrementSequence(lastSeq, offsetDelta), lastSeq, lastOffset, offsetDelta, timestamp}] : [],
      lastTimestamp: timestamp,
      coordinatorEpoch: buf.readInt32BE(p + 34),
      currentTxnFirstOffset: buf.readBigInt64BE(p + 38),
    });
  }
  return out;
}

/** Offsets of the `.snapshot` files in `dir`, ascending. */
export async function listSnapshotOffsets(fs: FileSystem, dir: string): Promise<bigint[]> {
  const out: bigint[] = [];
  for (const e of await fs.readdir(dir)) {
    const parsed = parseSegmentFileName(e.name);
    if (parsed?.kind === 'snapshot' && parsed.extraSuffix === '') out.push(parsed.baseOffset);
  }
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

export function snapshotPath(dir: string, offset: bigint): string {
  return path.join(dir, segmentFileName(offset, 'snapshot'));
}

/**
 * Write a snapshot through `<name>.tmp` and a rename, so it is whole or absent. `sync` adds the
 * fsyncs of writeFileAtomic (clean close); without them (roll, and a directory's first snapshot,
 * which must not cost a Produce to thousands of partitions an fsync each, as Kafka flushes its
 * roll snapshots in the background) the file survives a process crash, and one torn by a power
 * cut fails its CRC on load and the one before it is used.
 */
export async function writeProducerSnapshot(fs: FileSystem, dir: string, offset: bigint, entries: readonly ProducerEntry[], sync: boolean): Promise<void> {
  const file = snapshotPath(dir, offset);
  const data = encodeProducerSnapshot(entries);
  if (sync) return fs.writeFileAtomic(file, data);
  const tmp = `${file}.tmp`;
  const handle = await fs.open(tmp, {create: true});
  try {
    await handle.truncate(0);
    await handle.write(data, 0);
  } finally {
    await handle.close();
  }
  await fs.rename(tmp, file);
}

export async function readProducerSnapshot(fs: FileSystem, dir: string, offset: bigint): Promise<ProducerEntry[]> {
  return decodeProducerSnapshot(await fs.readFile(snapshotPath(dir, offset)));
}

export async function deleteProducerSnapshot(fs: FileSystem, dir: string, offset: bigint): Promise<void> {
  await fs.unlink(snapshotPath(dir, offset)).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
}
