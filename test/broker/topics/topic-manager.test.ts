import {existsSync, readFileSync} from 'node:fs';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {ErrorCode} from '../../../src/protocol/error-codes.js';
import {TopicError} from '../../../src/broker/topics/topic-manager.js';
import {startTestBroker, TestBroker} from '../helpers/broker.js';

let tb: TestBroker | undefined;
afterEach(async () => {
  await tb?.cleanup();
  tb = undefined;
});

async function code(promise: Promise<unknown>): Promise<number> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof TopicError) return err.errorCode;
    throw err;
  }
  return ErrorCode.NONE;
}

const create = (name: string, numPartitions = 1, configs: Record<string, string> = {}, replicationFactor = 1) =>
  tb!.broker.topics.createTopic(name, {numPartitions, replicationFactor, configs});

describe('TopicManager', () => {
  it('creates topics with partition dirs and partition.metadata', async () => {
    tb = await startTestBroker({'num.partitions': '2'});
    const info = await tb.broker.topics.createTopic('orders', {numPartitions: -1, replicationFactor: -1, configs: {'retention.ms': '1000'}});
    expect(info).toMatchObject({name: 'orders', partitions: 2, configs: {'retention.ms': '1000'}, internal: false});
    for (const p of [0, 1]) {
      const meta = readFileSync(path.join(tb.dataDir, `orders-${p}`, 'partition.metadata'), 'utf8');
      expect(meta).toContain(`topic_id: ${info.topicId}`);
    }
    expect(tb.broker.topics.getById(info.topicId)?.name).toBe('orders');
    expect(tb.broker.topics.getLog('orders', 1)!.config.retentionMs).toBe(1000);
    // One LogConfig per topic, so what the Produce path derives from it is derived once per topic.
    expect(tb.broker.topics.getLog('orders', 0)!.config).toBe(tb.broker.topics.getLog('orders', 1)!.config);
  });

  it('refuses bad requests with Kafka error codes and messages', async () => {
    tb = await startTestBroker();
    await create('a.b');
    expect(await code(create('a.b'))).toBe(ErrorCode.TOPIC_ALREADY_EXISTS);
    expect(await code(create('a_b'))).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION);
    expect(await code(create('bad/name'))).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION);
    expect(await code(create('zero', 0))).toBe(ErrorCode.INVALID_PARTITIONS);
    await expect(create('rf', 1, {}, 3)).rejects.toThrow('Replication factor: 3 larger than available brokers: 1.');
    expect(await code(create('cfg', 1, {'retention.ms': 'soon'}))).toBe(ErrorCode.INVALID_CONFIG);
    expect(await code(create('cfg', 1, {'no.such.config': '1'}))).toBe(ErrorCode.INVALID_CONFIG);
    expect(tb.broker.topics.list().map((t) => t.name)).toEqual(['a.b']);
  });

  it('validates only when asked to', async () => {
    tb = await startTestBroker();
    await tb.broker.topics.createTopic('dry', {numPartitions: 1, replicationFactor: 1, configs: {}, validateOnly: true});
    expect(tb.broker.topics.get('dry')).toBeUndefined();
    expect(existsSync(path.join(tb.dataDir, 'dry-0'))).toBe(false);
  });

  it('adds partitions, refusing decreases', async () => {
    tb = await startTestBroker();
    await create('grow', 3);
    await expect(tb.broker.topics.createPartitions('grow', 2)).rejects.toThrow('Topic currently has 3 partitions, which is higher than the requested 2.');
    await tb.broker.topics.createPartitions('grow', 5, {validateOnly: true});
    expect(tb.broker.topics.get('grow')!.partitions).toBe(3);
    await tb.broker.topics.createPartitions('grow', 5);
    expect(tb.broker.topics.get('grow')!.partitions).toBe(5);
    expect(tb.broker.topics.getLog('grow', 4)).toBeDefined();
  });

  it('replaces config overrides and applies them to live logs', async () => {
    tb = await startTestBroker();
    await create('cfg', 1, {'segment.bytes': '1048576'});
    await tb.broker.topics.setTopicConfigs('cfg', {'retention.ms': '5000'});
    expect(tb.broker.topics.get('cfg')!.configs).toEqual({'retention.ms': '5000'});
    const log = tb.broker.topics.getLog('cfg', 0)!;
    expect(log.config.retentionMs).toBe(5000);
    expect(log.config.segmentBytes).not.toBe(1048576);
  });

  it('deletes topics and their directories', async () => {
    tb = await startTestBroker();
    await create('gone', 2);
    await tb.broker.topics.deleteTopic('gone');
    expect(tb.broker.topics.get('gone')).toBeUndefined();
    expect(tb.broker.topics.getLog('gone', 0)).toBeUndefined();
    expect(await code(tb.broker.topics.deleteTopic('gone'))).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });

  it('keeps ids, partition counts and overrides across a restart', async () => {
    tb = await startTestBroker();
    const info = await create('kept', 2, {'cleanup.policy': 'compact'});
    await tb.broker.topics.createPartitions('kept', 4);
    await create('dropped');
    await tb.broker.topics.deleteTopic('dropped');
    const clusterId = tb.broker.clusterId;
    await tb.restart();
    expect(tb.broker.clusterId).toBe(clusterId);
    expect(tb.broker.topics.list()).toEqual([{...info, partitions: 4}]);
    expect(tb.broker.topics.getLog('kept', 3)!.config.cleanupPolicy).toEqual(['compact']);
  });

  it('auto-creates only when enabled', async () => {
    tb = await startTestBroker({'auto.create.topics.enable': 'false'});
    expect(await tb.broker.topics.ensureTopic('auto')).toBeUndefined();
    await tb.cleanup();
    tb = await startTestBroker({'num.partitions': '4'});
    expect((await tb.broker.topics.ensureTopic('auto'))?.partitions).toBe(4);
    expect(await tb.broker.topics.ensureTopic('bad name')).toBeUndefined();
  });
});

describe('TopicManager adoption', () => {
  it('adopts partition dirs missing from the kstream file, keeping their topic ids', async () => {
    const {writeFileSync} = await import('node:fs');
    tb = await startTestBroker();
    const listed = await create('listed');
    const info = await create('orphan', 2);
    await tb.broker.stop();
    // As if orphan's directories came from elsewhere (Kafka, or a kstream older than the topic file written first).
    const file = path.join(tb.dataDir, '__kstream_topics.json');
    const stored = JSON.parse(readFileSync(file, 'utf8'));
    stored.topics = stored.topics.filter((t: {name: string}) => t.name !== 'orphan');
    writeFileSync(file, JSON.stringify(stored));
    await tb.restart();
    expect(tb.broker.topics.get('listed')).toEqual(listed);
    expect(tb.broker.topics.get('orphan')).toEqual(info);
    expect(readFileSync(file, 'utf8')).toContain(info.topicId);
  });
});
