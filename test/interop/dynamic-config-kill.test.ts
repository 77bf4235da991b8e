/**
 * Dynamic broker configs survive kill -9: once AlterConfigs has answered, the change is in
 * `__kstream_broker_configs.json`, so a `kstream broker start` child SIGKILLed right after comes
 * back with it (the new log defaults on the existing topic included).
 */
import {mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {startBroker} from '../../src/index.js';
import {ApiKey} from '../../src/protocol/api.js';
import {WireClient} from '../broker/helpers/wire-client.js';
import {startBrokerChild} from './broker-process.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'kstream-dynamic-kill-'));
afterAll(() => rmSync(dir, {recursive: true, force: true}));

describe('dynamic broker configs across kill -9', () => {
  it('come back after the broker is SIGKILLed', async () => {
    const crashing = await startBrokerChild(dir);
    try {
      const wire = await WireClient.connect(crashing.port);
      await wire.request(ApiKey.CreateTopics, 4, {topics: [{name: 't', numPartitions: 1, replicationFactor: 1, assignments: [], configs: []}],
        timeoutMs: 5000, validateOnly: false});
      const res = await wire.request(ApiKey.AlterConfigs, 1, {validateOnly: false, resources: [
        {resourceType: 4, resourceName: '', configs: [{name: 'log.retention.ms', value: '3600000'}]},
        {resourceType: 4, resourceName: '1', configs: [{name: 'message.max.bytes', value: '4096'}]},
      ]});
      expect(res.responses.map((r: {errorCode: number}) => r.errorCode)).toEqual([0, 0]);
      wire.close();
    } finally {
      await crashing.kill();
    }

    const broker = await startBroker({dataDir: dir, port: 0, log: () => undefined});
    try {
      expect(broker.brokerConfigs.configsOf('')).toEqual({'log.retention.ms': '3600000'});
      expect(broker.brokerConfigs.configsOf('1')).toEqual({'message.max.bytes': '4096'});
      await broker.topics.logsCreated('t');
      expect(broker.topics.getLog('t', 0)!.config).toMatchObject({retentionMs: 3_600_000, maxMessageBytes: 4096});
    } finally {
      await broker.stop();
    }
  });
});
