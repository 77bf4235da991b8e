/**
 * `meta.properties` in the data dir, as KRaft Kafka writes it (version=1, node.id, cluster.id,
 * directory.id). A ZooKeeper-era file (version=0, broker.id) written by real Kafka is read and
 * left untouched, so the directory stays usable by that Kafka.
 */
import path from 'node:path';
import {KstreamError} from '../output/errors.js';
import {NodeFileSystem, readTextIfExists} from '../storage/fs.js';
import {randomTopicId} from './topics/topic-id.js';

export const META_PROPERTIES = 'meta.properties';

export interface MetaProperties {
  version: number;
  nodeId: number;
  clusterId: string;
  directoryId?: string;
}

export function parseProperties(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    const eq = line.search(/[=:]/);
    if (eq < 0) out[line] = '';
    else out[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return out;
}

export async function readMetaProperties(dataDir: string): Promise<MetaProperties | null> {
  const file = path.join(dataDir, META_PROPERTIES);
  const text = await readTextIfExists(file);
  if (text === null) return null;
  const props = parseProperties(text);
  const version = Number(props.version ?? '0');
  const idText = version >= 1 ? props['node.id'] : props['broker.id'];
  const nodeId = Number(idText);
  if (!props['cluster.id'] || idText === undefined || !Number.isInteger(nodeId)) {
    throw new KstreamError(`${file} is incomplete: it needs cluster.id and ${version >= 1 ? 'node.id' : 'broker.id'}`);
  }
  return {version, nodeId, clusterId: props['cluster.id'], directoryId: props['directory.id']};
}

export async function writeMetaProperties(dataDir: string, meta: MetaProperties): Promise<void> {
  const lines = ['#', `#${new Date().toString()}`, `node.id=${meta.nodeId}`];
  if (meta.directoryId) lines.push(`directory.id=${meta.directoryId}`);
  lines.push(`version=${meta.version}`, `cluster.id=${meta.clusterId}`);
  await new NodeFileSystem().writeFileAtomic(path.join(dataDir, META_PROPERTIES), Buffer.from(lines.join('\n') + '\n'));
}

/**
 * The data dir's identity: read it, or create it on first start. `explicitNodeId` is set when
 * the user configured node.id; it must match a stored id (Kafka refuses a mismatch too).
 */
export async function loadOrCreateMeta(dataDir: string, defaultNodeId: number, explicitNodeId: number | undefined): Promise<MetaProperties> {
  const existing = await readMetaProperties(dataDir);
  if (existing) {
    if (explicitNodeId !== undefined && explicitNodeId !== existing.nodeId) {
      throw new KstreamError(`configured node.id ${explicitNodeId} does not match node id ${existing.nodeId} stored in ${path.join(dataDir, META_PROPERTIES)}`,
        {hint: 'Use the stored id or another data dir'});
    }
    return existing;
  }
  const meta: MetaProperties = {version: 1, nodeId: explicitNodeId ?? defaultNodeId, clusterId: randomTopicId(), directoryId: randomTopicId()};
  await writeMetaProperties(dataDir, meta);
  return meta;
}
