/**
 * Every BrokerServices object has the same V8 hidden class (brokerServices), so that the handler
 * code V8 optimizes while the path warm-up runs with its own copy does not deoptimize when the
 * broker's object reaches it. Checked with V8's %HaveSameMap, enabled for this file's functions.
 */
import {setFlagsFromString} from 'node:v8';
import {describe, expect, it} from 'vitest';
import {brokerServices, type BrokerServices} from '../../src/broker/handler.js';

setFlagsFromString('--allow-natives-syntax');
const haveSameMap = new Function('a', 'b', 'return %HaveSameMap(a, b)') as (a: object, b: object) => boolean;

function services(): BrokerServices {
  return brokerServices({
    nodeId: 1, clusterId: 'c', host: '127.0.0.1', port: 9092, config: {} as any, brokerConfigs: {} as any,
    topics: {} as any, logs: {} as any, fetchSessions: {} as any, groups: {} as any,
    apiVersions: () => [], now: Date.now, log: () => undefined, closing: new AbortController().signal,
  });
}

describe('brokerServices', () => {
  it('makes copies with other topics and logs of the same hidden class as the original', () => {
    const original = services();
    original.port = 19092; // as the broker sets it once it listens
    const copy = brokerServices({...original, topics: {} as any, logs: {} as any});
    expect(copy.port).toBe(19092);
    expect(haveSameMap(copy, original)).toBe(true);
    // What the warm-up had: a spread copy, of another hidden class (so this test can tell).
    expect(haveSameMap({...original, topics: {} as any, logs: {} as any}, original)).toBe(false);
  });
});
