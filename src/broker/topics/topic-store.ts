/**
 * Persistence of topic metadata (ids, partition counts, config overrides) in one kstream file,
 * `<data-dir>/__kstream_topics.json`. Written atomically: temp file, fsync, rename, fsync of the
 * directory, so a crash leaves either the old or the new file, never a torn one.
 */
import path from 'node:path';
import {KstreamError} from '../../output/errors.js';
import {NodeFileSystem, readTextIfExists} from '../../storage/fs.js';

export const TOPICS_FILE = '__kstream_topics.json';
const FORMAT_VERSION = 1;

export interface StoredTopic {
  name: string;
  topicId: string;
  partitions: number;
  configs: Record<string, string>;
}

interface TopicsFile {
  version: number;
  topics: StoredTopic[];
}

/** The stored topics, or null when the data dir has no kstream topics file yet. */
export async function readTopicStore(dataDir: string): Promise<StoredTopic[] | null> {
  const file = path.join(dataDir, TOPICS_FILE);
  const text = await readTextIfExists(file);
  if (text === null) return null;
  let parsed: TopicsFile;
  try {
    parsed = JSON.parse(text) as TopicsFile;
  } catch (err) {
    throw new KstreamError(`${file} is not valid JSON: ${(err as Error).message}`, {
      hint: 'Restore it from a backup or delete it to rediscover topics from the partition directories',
    });
  }
  if (parsed.version !== FORMAT_VERSION || !Array.isArray(parsed.topics)) {
    throw new KstreamError(`${file} has an unknown format (version ${String(parsed.version)})`);
  }
  for (const t of parsed.topics) {
    if (typeof t.name !== 'string' || typeof t.topicId !== 'string' || !Number.isInteger(t.partitions)) {
      throw new KstreamError(`${file} has a malformed topic entry: ${JSON.stringify(t)}`);
    }
    t.configs = t.configs ?? {};
  }
  return parsed.topics;
}

export async function writeTopicStore(dataDir: string, topics: StoredTopic[]): Promise<void> {
  const body: TopicsFile = {version: FORMAT_VERSION, topics};
  await new NodeFileSystem().writeFileAtomic(path.join(dataDir, TOPICS_FILE), Buffer.from(JSON.stringify(body, null, 2) + '\n'));
}
