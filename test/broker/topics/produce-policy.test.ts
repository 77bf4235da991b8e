import {describe, expect, it} from 'vitest';
import {producePolicyOf} from '../../../src/broker/topics/produce-policy.js';
import {DEFAULT_LOG_CONFIG, resolveLogConfig} from '../../../src/storage/log-config.js';

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
});
