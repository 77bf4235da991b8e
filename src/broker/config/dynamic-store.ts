/**
 * Persistence of dynamic broker configs (what Kafka keeps as ConfigRecords in its metadata log)
 * in one kstream file, `<data-dir>/__kstream_broker_configs.json`: the cluster-wide default set
 * and the per-broker sets by node id. Written atomically (temp file, fsync, rename, directory
 * fsync) like `__kstream_topics.json`, so a crash leaves the old or the new file, never a torn one.
 */
import path from 'node:path';
import {KstreamError} from '../../output/errors.js';
import {NodeFileSystem, readTextIfExists} from '../../storage/fs.js';

export const BROKER_CONFIGS_FILE = '__kstream_broker_configs.json';
const FORMAT_VERSION = 1;

export interface StoredBrokerConfigs {
  /** The resource named '' (kafka-configs.sh --entity-default). */
  clusterDefault: Record<string, string>;
  /** Per-broker resources by node id. */
  brokers: Record<string, Record<string, string>>;
}

interface BrokerConfigsFile extends StoredBrokerConfigs {
  version: number;
}

const isStringMap = (v: unknown): v is Record<string, string> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string');

/** The stored dynamic configs; empty sets when the data dir has no such file. */
export async function readBrokerConfigStore(dataDir: string): Promise<StoredBrokerConfigs> {
  const file = path.join(dataDir, BROKER_CONFIGS_FILE);
  const text = await readTextIfExists(file);
  if (text === null) return {clusterDefault: {}, brokers: {}};
  let parsed: BrokerConfigsFile;
  try {
    parsed = JSON.parse(text) as BrokerConfigsFile;
  } catch (err) {
    throw new KstreamError(`${file} is not valid JSON: ${(err as Error).message}`, {
      hint: 'Restore it from a backup, or delete it to drop the dynamic broker configs',
    });
  }
  if (parsed?.version !== FORMAT_VERSION) throw new KstreamError(`${file} has an unknown format (version ${String(parsed?.version)})`);
  const brokers = parsed.brokers ?? {};
  if (!isStringMap(parsed.clusterDefault ?? {}) || typeof brokers !== 'object' || !Object.values(brokers).every(isStringMap)) {
    throw new KstreamError(`${file} is malformed: config values must be strings`, {
      hint: 'Restore it from a backup, or delete it to drop the dynamic broker configs',
    });
  }
  return {clusterDefault: parsed.clusterDefault ?? {}, brokers};
}

export async function writeBrokerConfigStore(dataDir: string, configs: StoredBrokerConfigs): Promise<void> {
  const body: BrokerConfigsFile = {version: FORMAT_VERSION, ...configs};
  await new NodeFileSystem().writeFileAtomic(path.join(dataDir, BROKER_CONFIGS_FILE), Buffer.from(JSON.stringify(body, null, 2) + '\n'));
}
