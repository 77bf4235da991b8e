/**
 * kstream extension: the small text files Kafka keeps beside segments, which kafka-dump-log.sh
 * ignores. Parsing is the storage module's (one reader for the broker and the dump).
 */
import {readFile} from 'node:fs/promises';
import {parseEpochCheckpoint, parseOffsetCheckpoint, parsePartitionMetadata} from '../../storage/checkpoints.js';
import {
  CLEANER_OFFSET_CHECKPOINT, LEADER_EPOCH_CHECKPOINT, LOG_START_OFFSET_CHECKPOINT, PARTITION_METADATA,
  RECOVERY_POINT_CHECKPOINT, REPLICATION_OFFSET_CHECKPOINT,
} from '../../storage/filenames.js';
import type {DumpSink} from './events.js';

const OFFSET_CHECKPOINTS = new Set([
  RECOVERY_POINT_CHECKPOINT, LOG_START_OFFSET_CHECKPOINT, REPLICATION_OFFSET_CHECKPOINT, CLEANER_OFFSET_CHECKPOINT,
]);

export function isCheckpointFile(name: string): boolean {
  return OFFSET_CHECKPOINTS.has(name) || name === LEADER_EPOCH_CHECKPOINT || name === PARTITION_METADATA || name === 'meta.properties';
}

function parseProperties(text: string): Record<string, string> {
  const props: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith('!')) continue;
    const eq = trimmed.search(/[=:]/);
    if (eq < 0) throw new Error(`line "${trimmed}" is not key=value`);
    props[trimmed.slice(0, eq).trim()] = trimmed.slice(eq + 1).trim();
  }
  return props;
}

export async function dumpCheckpointFile(file: string, name: string, sink: DumpSink): Promise<void> {
  const text = (await readFile(file)).toString('utf8');
  try {
    if (OFFSET_CHECKPOINTS.has(name)) {
      const entries = parseOffsetCheckpoint(text, file);
      sink.emit({type: 'checkpoint', file, kind: name, version: 0, entries: entries.length});
      for (const e of entries) sink.emit({type: 'checkpoint-entry', topic: e.topic, partition: e.partition, offset: e.offset});
    } else if (name === LEADER_EPOCH_CHECKPOINT) {
      const entries = parseEpochCheckpoint(text, file);
      sink.emit({type: 'checkpoint', file, kind: name, version: 0, entries: entries.length});
      for (const e of entries) sink.emit({type: 'leader-epoch-entry', epoch: e.epoch, startOffset: e.startOffset});
    } else if (name === PARTITION_METADATA) {
      sink.emit({type: 'partition-metadata', version: 0, topicId: parsePartitionMetadata(text, file).topicId});
    } else {
      sink.emit({type: 'properties', properties: parseProperties(text)});
    }
  } catch (err) {
    sink.emit({type: 'error', file, message: (err as Error).message});
  }
}
