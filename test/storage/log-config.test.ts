import {describe, expect, it} from 'vitest';
import {DEFAULT_LOG_CONFIG, resolveLogConfig} from '../../src/storage/log-config.js';

describe('resolveLogConfig', () => {
  it('gives the same frozen config for the same base and overrides objects, so partitions of a topic share one', () => {
    const topic = {segmentBytes: 4096, cleanupPolicy: ['compact' as const]};
    const a = resolveLogConfig(DEFAULT_LOG_CONFIG, topic);
    expect(resolveLogConfig(DEFAULT_LOG_CONFIG, topic)).toBe(a);
    expect(a.segmentBytes).toBe(4096);
    expect(Object.isFrozen(a) && Object.isFrozen(a.cleanupPolicy)).toBe(true);
    expect(resolveLogConfig(DEFAULT_LOG_CONFIG)).toBe(resolveLogConfig(DEFAULT_LOG_CONFIG));
    expect(resolveLogConfig(DEFAULT_LOG_CONFIG)).not.toBe(a);
  });

  it('resolves other overrides objects, or another base, on their own', () => {
    const a = resolveLogConfig(DEFAULT_LOG_CONFIG, {segmentBytes: 4096});
    const b = resolveLogConfig(DEFAULT_LOG_CONFIG, {segmentBytes: 8192});
    expect(b).not.toBe(a);
    expect(b.segmentBytes).toBe(8192);
    const overrides = {retentionMs: 5};
    const onA = resolveLogConfig(a, overrides);
    const onB = resolveLogConfig(b, overrides);
    expect([onA.segmentBytes, onA.retentionMs, onB.segmentBytes, onB.retentionMs]).toEqual([4096, 5, 8192, 5]);
  });

  it('still refuses values Kafka refuses, every time', () => {
    const bad = {segmentBytes: 3};
    expect(() => resolveLogConfig(DEFAULT_LOG_CONFIG, bad)).toThrow(/segmentBytes=3/);
    expect(() => resolveLogConfig(DEFAULT_LOG_CONFIG, bad)).toThrow(/segmentBytes=3/);
  });
});
