/**
 * Dispatch table built from the registered handlers, and the ApiVersions list derived from the
 * same table (no second list). A handler's advertised range is its own range clipped to what
 * the generated codec can decode, so the broker never offers a version it cannot parse.
 */
import {supportedVersions} from '../protocol/api.js';
import type {Handler} from './handler.js';

export interface ApiVersionRange {
  apiKey: number;
  minVersion: number;
  maxVersion: number;
}

export class HandlerRegistry {
  private readonly handlers = new Map<number, {handler: Handler; range: ApiVersionRange}>();

  constructor(handlers: readonly Handler[]) {
    for (const handler of handlers) this.register(handler);
  }

  private register(handler: Handler): void {
    if (this.handlers.has(handler.apiKey)) {
      throw new Error(`two handlers registered for api key ${handler.apiKey}`);
    }
    const codec = supportedVersions(handler.apiKey);
    if (!codec) throw new Error(`handler for api key ${handler.apiKey}: the protocol codec does not know this api`);
    const minVersion = Math.max(handler.minVersion, codec.min);
    const maxVersion = Math.min(handler.maxVersion, codec.max);
    if (maxVersion < minVersion) {
      throw new Error(`handler for api key ${handler.apiKey}: versions ${handler.minVersion}-${handler.maxVersion} ` +
        `do not overlap the codec's ${codec.min}-${codec.max}`);
    }
    this.handlers.set(handler.apiKey, {handler, range: {apiKey: handler.apiKey, minVersion, maxVersion}});
  }

  /** The handler for this key and version, or undefined when not served. */
  lookup(apiKey: number, apiVersion: number): Handler | undefined {
    const entry = this.handlers.get(apiKey);
    if (!entry || apiVersion < entry.range.minVersion || apiVersion > entry.range.maxVersion) return undefined;
    return entry.handler;
  }

  range(apiKey: number): ApiVersionRange | undefined {
    const entry = this.handlers.get(apiKey);
    return entry && {...entry.range};
  }

  /** Every served api with its version range, ordered by key (the ApiVersions response). */
  apiVersions(): ApiVersionRange[] {
    return [...this.handlers.values()].map((e) => ({...e.range})).sort((a, b) => a.apiKey - b.apiKey);
  }
}
