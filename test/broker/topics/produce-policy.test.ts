import {describe, expect, it} from 'vitest';
import {producePolicyOf} from '../../../src/broker/topics/produce-policy.js';
import {DEFAULT_LOG_CONFIG, resolveLogConfig} from '../../../src/storage/log-config.js';
import {startTestBroker} from '../helpers/broker.js';

describe('producePolicyOf', () => {
  const broker = {raw: {}};
  const topics = new Map([
    ['zipped', {configs: {'compression.type': 'gzip'}}],
    ['plain', {configs: {}}],
  ]);

  it('resolves the policy once per config and topic', () => {
    const config = resolveLogConfig(DEFAULT_LOG_CONFIG, {segmentBytes: 1 << 20});
    const first = producePolicyOf(config, 'zipped', topics, broker);
    expect(producePolicyOf(config, 'zipped', topics, broker)).toBe(first);
  });

  it('keeps topics apart when they share one LogConfig (topics left at the defaults)', () => {
    const shared = resolveLogConfig(DEFAULT_LOG_CONFIG);
    expect(producePolicyOf(shared, 'zipped', topics, broker).target?.type).toBeDefined();
    expect(producePolicyOf(shared, 'plain', topics, broker).target).toBeNull();
    expect(producePolicyOf(shared, 'zipped', topics, broker).target).not.toBeNull();
  });

  it('is resolved when a topic\'s logs are made, so that its first Produce finds it resolved', async () => {
    const tb = await startTestBroker();
    try {
      await tb.broker.topics.createTopic('made', {numPartitions: 3, replicationFactor: -1, configs: {'compression.type': 'lz4'}});
      await tb.broker.topics.logsCreated('made');
      // A lookup that would have to resolve it now cannot: the topics' configs are not consulted.
      const noLookups = {get: (): never => { throw new Error('the policy was not resolved when the logs were made'); }};
      for (let p = 0; p < 3; p++) {
        expect(producePolicyOf(tb.broker.topics.getLog('made', p)!.config, 'made', noLookups, broker).target?.type).toBe(3);
      }
    } finally {
      await tb.cleanup();
    }
  });
});
