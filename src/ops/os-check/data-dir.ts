/**
 * Counting what a Kafka data directory holds, for the checks whose requirement depends on it
 * (vm.max_map_count, open files). Kafka keeps every segment's .log, .index and .timeindex
 * (and .txnindex when present) open, and memory-maps the two indexes.
 */
import {promises as fs} from 'node:fs';
import path from 'node:path';
import {dataDir as defaultDataDir} from '../../client/paths.js';
import {UsageError} from '../../output/errors.js';
import type {DataDirScan} from './types.js';

/** `<topic>-<partition>`; `-delete`, `-future` and `-stray` directories do not match. */
const PARTITION_DIR = /^.+-\d+$/;
/** `<20-digit base offset>.<suffix>` for the files Kafka keeps open per segment. */
const SEGMENT_FILE = /^\d{20}\.(log|index|timeindex|txnindex)$/;

/** The broker's default data dir ($XDG_DATA_HOME/kstream/data or ~/.local/share/kstream/data). */
export function defaultBrokerDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return defaultDataDir(env);
}

export async function scanDataDir(dataDir: string): Promise<DataDirScan> {
  const scan: DataDirScan = {dataDir, exists: false, partitions: 0, segments: 0, segmentFiles: 0, indexFiles: 0};
  let entries: import('node:fs').Dirent[];
  try {
    entries = await fs.readdir(dataDir, {withFileTypes: true});
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return scan;
    if (code === 'ENOTDIR') throw new UsageError(`--data-dir ${dataDir} is not a directory`);
    return {...scan, exists: true, error: `cannot list ${dataDir}: ${code ?? (err as Error).message} (run as the broker's user or root)`};
  }
  scan.exists = true;
  for (const entry of entries) {
    if (!entry.isDirectory() || !PARTITION_DIR.test(entry.name)) continue;
    scan.partitions++;
    let files: string[];
    try {
      files = await fs.readdir(path.join(dataDir, entry.name));
    } catch (err) {
      scan.error = `cannot list ${path.join(dataDir, entry.name)}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
      continue;
    }
    for (const file of files) {
      const m = SEGMENT_FILE.exec(file);
      if (!m) continue;
      scan.segmentFiles++;
      if (m[1] === 'log') scan.segments++;
      if (m[1] === 'index' || m[1] === 'timeindex') scan.indexFiles++;
    }
  }
  return scan;
}

/** The path itself if it exists, else its nearest existing parent (where it would be created). */
export async function nearestExisting(target: string): Promise<string> {
  let current = path.resolve(target);
  for (;;) {
    try {
      return await fs.realpath(current);
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return current;
      current = parent;
    }
  }
}
