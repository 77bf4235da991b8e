import {describe, expect, it} from 'vitest';
import {defineHandler} from '../../src/broker/handler.js';
import {HANDLERS} from '../../src/broker/handlers/index.js';
import {HandlerRegistry} from '../../src/broker/registry.js';
import {ApiKey, supportedVersions} from '../../src/protocol/api.js';

const noop = async () => ({});

describe('HandlerRegistry', () => {
  it('derives the ApiVersions list from the registered handlers, sorted by key', () => {
    const registry = new HandlerRegistry(HANDLERS);
    const keys = registry.apiVersions().map((r) => r.apiKey);
    expect(keys).toEqual([...keys].sort((a, b) => a - b));
    expect(keys).toEqual(expect.arrayContaining([ApiKey.Produce, ApiKey.Fetch, ApiKey.ListOffsets, ApiKey.Metadata, ApiKey.ApiVersions]));
    expect(keys).toHaveLength(HANDLERS.length);
  });

  it('rejects two handlers for one api key', () => {
    const a = defineHandler({apiKey: ApiKey.Metadata, minVersion: 0, maxVersion: 1, handle: noop});
    expect(() => new HandlerRegistry([a, a])).toThrow(/two handlers registered for api key 3/);
  });

  it('clips a handler range to what the codec supports', () => {
    const codec = supportedVersions(ApiKey.Metadata)!;
    const registry = new HandlerRegistry([defineHandler({apiKey: ApiKey.Metadata, minVersion: 0, maxVersion: 999, handle: noop})]);
    expect(registry.range(ApiKey.Metadata)).toEqual({apiKey: ApiKey.Metadata, minVersion: 0, maxVersion: codec.max});
    expect(registry.lookup(ApiKey.Metadata, codec.max)).toBeDefined();
    expect(registry.lookup(ApiKey.Metadata, codec.max + 1)).toBeUndefined();
    expect(registry.lookup(ApiKey.Produce, 0)).toBeUndefined();
  });

  it('refuses api keys the codec does not know and empty ranges', () => {
    expect(() => new HandlerRegistry([defineHandler({apiKey: 9999, minVersion: 0, maxVersion: 0, handle: noop})])).toThrow(/does not know this api/);
    expect(() => defineHandler({apiKey: 3, minVersion: 2, maxVersion: 1, handle: noop})).toThrow(/empty version range/);
    expect(() => new HandlerRegistry([defineHandler({apiKey: ApiKey.Metadata, minVersion: 900, maxVersion: 999, handle: noop})]))
      .toThrow(/do not overlap/);
  });
});
