/**
 * ApiVersions (key 18). v0-v2: error code, api ranges, throttle (v1+). v3+ is flexible and
 * carries the client software name/version (INVALID_REQUEST when they do not match Kafka's
 * pattern, as ApiVersionsRequest.isValid checks) and tagged feature lists;
 * kstream finalizes no features, so those stay empty and the epoch -1. An unsupported version
 * never reaches this handler: the dispatcher answers it with v0 + UNSUPPORTED_VERSION.
 */
import {ApiKey} from '../../protocol/api.js';
import {ErrorCode} from '../../protocol/error-codes.js';
import {defineHandler} from '../handler.js';

/** Kafka's ApiVersionsRequest SOFTWARE_NAME_VERSION_PATTERN. */
const SOFTWARE_PATTERN = /^[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?$/;

interface ApiVersionsRequest {
  clientSoftwareName: string;
  clientSoftwareVersion: string;
}

export const handler = defineHandler({
  apiKey: ApiKey.ApiVersions,
  minVersion: 0,
  maxVersion: 4,
  handle: async (request: ApiVersionsRequest, ctx) => {
    if (ctx.header.apiVersion >= 3
      && !(SOFTWARE_PATTERN.test(request.clientSoftwareName) && SOFTWARE_PATTERN.test(request.clientSoftwareVersion))) {
      return {errorCode: ErrorCode.INVALID_REQUEST, apiKeys: [], throttleTimeMs: 0};
    }
    return supported(ctx.broker.apiVersions());
  },
});

function supported(ranges: {apiKey: number; minVersion: number; maxVersion: number}[]) {
  return {
    errorCode: ErrorCode.NONE,
    apiKeys: ranges.map((r) => ({apiKey: r.apiKey, minVersion: r.minVersion, maxVersion: r.maxVersion})),
    throttleTimeMs: 0,
    supportedFeatures: [],
    finalizedFeaturesEpoch: -1n,
    finalizedFeatures: [],
    zkMigrationReady: false,
  };
}
