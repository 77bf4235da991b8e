/**
 * Kafka's checkpoint files (server-common CheckpointFile), written atomically (tmp + fsync + rename):
 *   offset checkpoints (recovery-point-offset-checkpoint, log-start-offset-checkpoint,
 *   replication-offset-checkpoint, cleaner-offset-checkpoint):
 *     "0\n<count>\n" then one "<topic> <partition> <offset>\n" line per partition
 *   leader-epoch-checkpoint: "0\n<count>\n" then "<epoch> <startOffset>\n" lines
 *   partition.metadata: "version: 0\ntopic_id: <base64 uuid>"
 * Kafka treats an empty file as "no entries" (cleaner-offset-checkpoint is often empty).
 */
import {ErrorCode} from '../protocol/error-codes.js';
import {StorageError} from './errors.js';
import type {FileSystem} from './fs.js';

export interface PartitionOffset {
  topic: string;
  partition: number;
  offset: bigint;
}

export interface EpochEntry {
  epoch: number;
  startOffset: bigint;
}

const VERSION = 0;

export function formatOffsetCheckpoint(entries: PartitionOffset[]): string {
  return `${VERSION}\n${entries.length}\n${entries.map((e) => `${e.topic} ${e.partition} ${e.offset}\n`).join('')}`;
}

export function parseOffsetCheckpoint(text: string, file: string): PartitionOffset[] {
  return parseLines(text, file, 3, (parts) => {
    const partition = Number(parts[1]);
    if (!Number.isInteger(partition) || partition < 0) throw new Error(`bad partition "${parts[1]}"`);
    return {topic: parts[0], partition, offset: parseBigInt(parts[2])};
  });
}

export function formatEpochCheckpoint(entries: EpochEntry[]): string {
  return `${VERSION}\n${entries.length}\n${entries.map((e) => `${e.epoch} ${e.startOffset}\n`).join('')}`;
}

export function parseEpochCheckpoint(text: string, file: string): EpochEntry[] {
  return parseLines(text, file, 2, (parts) => {
    const epoch = Number(parts[0]);
    if (!Number.isInteger(epoch) || epoch < 0) throw new Error(`bad epoch "${parts[0]}"`);
    return {epoch, startOffset: parseBigInt(parts[1])};
  });
}

export function formatPartitionMetadata(topicId: string): string {
  return `version: 0\ntopic_id: ${topicId}`;
}

export function parsePartitionMetadata(text: string, file: string): {topicId: string} {
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const colon = line.indexOf(':');
    if (colon < 0) throw new StorageError(`malformed ${file}: line "${line}" is not "name: value"`);
    fields.set(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  if (fields.get('version') !== '0') throw new StorageError(`unsupported ${file}: version "${fields.get('version') ?? ''}", expected 0`);
  const topicId = fields.get('topic_id');
  if (!topicId || !/^[A-Za-z0-9_-]{22}$/.test(topicId)) throw new StorageError(`malformed ${file}: missing or invalid topic_id`);
  return {topicId};
}

export async function readOffsetCheckpoint(fs: FileSystem, file: string): Promise<PartitionOffset[]> {
  const text = await readIfExists(fs, file);
  return text === undefined ? [] : parseOffsetCheckpoint(text, file);
}

export async function writeOffsetCheckpoint(fs: FileSystem, file: string, entries: PartitionOffset[]): Promise<void> {
  await fs.writeFileAtomic(file, Buffer.from(formatOffsetCheckpoint(entries)));
}

export async function readEpochCheckpoint(fs: FileSystem, file: string): Promise<EpochEntry[]> {
  const text = await readIfExists(fs, file);
  return text === undefined ? [] : parseEpochCheckpoint(text, file);
}

export async function writeEpochCheckpoint(fs: FileSystem, file: string, entries: EpochEntry[]): Promise<void> {
  await fs.writeFileAtomic(file, Buffer.from(formatEpochCheckpoint(entries)));
}

export async function readPartitionMetadata(fs: FileSystem, file: string): Promise<{topicId: string} | undefined> {
  const text = await readIfExists(fs, file);
  return text === undefined ? undefined : parsePartitionMetadata(text, file);
}

export async function writePartitionMetadata(fs: FileSystem, file: string, topicId: string): Promise<void> {
  await fs.writeFileAtomic(file, Buffer.from(formatPartitionMetadata(topicId)));
}

async function readIfExists(fs: FileSystem, file: string): Promise<string | undefined> {
  try {
    return (await fs.readFile(file)).toString('utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new StorageError(`cannot read ${file}: ${(err as Error).message}`, ErrorCode.KAFKA_STORAGE_ERROR, err);
  }
}

function parseBigInt(s: string): bigint {
  if (!/^-?\d+$/.test(s)) throw new Error(`bad offset "${s}"`);
  return BigInt(s);
}

function parseLines<T>(text: string, file: string, fieldCount: number, parse: (parts: string[]) => T): T[] {
  if (text.trim() === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  try {
    if (Number(lines[0]) !== VERSION || lines[0].trim() !== '0') throw new Error(`unsupported version "${lines[0]}"`);
    const count = Number(lines[1]);
    if (!Number.isInteger(count) || count < 0) throw new Error(`bad entry count "${lines[1]}"`);
    if (lines.length - 2 !== count) throw new Error(`expected ${count} entries, found ${lines.length - 2}`);
    return lines.slice(2).map((line) => {
      const parts = line.trim().split(/\s+/);
      if (parts.length !== fieldCount) throw new Error(`line "${line}" should have ${fieldCount} fields`);
      return parse(parts);
    });
  } catch (err) {
    throw new StorageError(`malformed checkpoint file ${file}: ${(err as Error).message}`, ErrorCode.KAFKA_STORAGE_ERROR, err);
  }
}
