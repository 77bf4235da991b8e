/**
 * ApiVersions (key 18). v0-v2: error code, api ranges, throttle (v1+). v3+ is flexible and
 * carries the client software name/version (accepted, not validated) and tagged feature lists;
 * kstream finalizes no features, so those stay empty and the epoch -1. An unsupported version
 * never reaches this handler: the dispatcher answers it with v0 + UNSUPPORTED_VERSION.
 */
import {ApiKey} from '../../protocol/api.js';
import {ErrorCode} from '../../protocol/error-codes.js';
import {defineHandler} from '../handler.js';

export const handler = defineHandler({
  apiKey: ApiKey.ApiVersions,
  minVersion: 0,
  maxVersion: 4,
  handle: async (_request: unknown, ctx) => ({
    errorCode: ErrorCode.NONE,
    apiKeys: ctx.broker.apiVersions().map((r) => ({apiKey: r.apiKey, minVersion: r.minVersion, maxVersion: r.maxVersion})),
    throttleTimeMs: 0,
    supportedFeatures: [],
    finalizedFeaturesEpoch: -1n,
    finalizedFeatures: [],
    zkMigrationReady: false,
  }),
});
