import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {loadOrCreateMeta, parseProperties, readMetaProperties} from '../../src/broker/meta-properties.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'kstream-meta-'));
});
afterEach(() => rmSync(dir, {recursive: true, force: true}));

describe('meta.properties', () => {
  it('is created once in the KRaft format and kept', async () => {
    const meta = await loadOrCreateMeta(dir, 1, undefined);
    expect(meta).toMatchObject({version: 1, nodeId: 1});
    expect(meta.clusterId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const text = readFileSync(path.join(dir, 'meta.properties'), 'utf8');
    expect(parseProperties(text)).toMatchObject({'node.id': '1', version: '1', 'cluster.id': meta.clusterId});
    expect(await loadOrCreateMeta(dir, 1, undefined)).toEqual(meta);
  });

  it('adopts a ZooKeeper-era file written by Kafka and leaves it alone', async () => {
    const original = '#\n#Sun Feb 27 16:00:38 ICT 2022\nbroker.id=0\nversion=0\ncluster.id=P4mWrUMKRvm3AylnZYNBaQ\n';
    writeFileSync(path.join(dir, 'meta.properties'), original);
    expect(await loadOrCreateMeta(dir, 1, undefined)).toMatchObject({version: 0, nodeId: 0, clusterId: 'P4mWrUMKRvm3AylnZYNBaQ'});
    expect(readFileSync(path.join(dir, 'meta.properties'), 'utf8')).toBe(original);
  });

  it('refuses a configured node id that differs from the stored one', async () => {
    await loadOrCreateMeta(dir, 1, undefined);
    await expect(loadOrCreateMeta(dir, 1, 7)).rejects.toThrow(/node.id 7 does not match node id 1/);
  });

  it('reports an incomplete file', async () => {
    writeFileSync(path.join(dir, 'meta.properties'), 'version=1\nnode.id=1\n');
    await expect(readMetaProperties(dir)).rejects.toThrow(/incomplete/);
  });
});
