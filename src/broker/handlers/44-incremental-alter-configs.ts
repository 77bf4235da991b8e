/**
 * IncrementalAlterConfigs (key 44), v0-1 (v1 flexible). SET and DELETE one topic override or
 * dynamic broker config; APPEND and SUBTRACT edit list configs such as cleanup.policy or
 * log.cleanup.policy, starting from Kafka's default when unset.
 */
import type {IncrementalAlterConfigsRequest} from '../../protocol/generated/types.js';
import {applyIncrementalTopicConfigs} from '../config/alter.js';
import {alterResources} from '../config/alter-resources.js';
import {applyIncrementalBrokerConfigs} from '../config/dynamic.js';
import {defineHandler} from '../handler.js';

export const handler = defineHandler<IncrementalAlterConfigsRequest>({
  apiKey: 44,
  minVersion: 0,
  maxVersion: 1,
  async handle(request, ctx) {
    return alterResources(request.resources, request.validateOnly, ctx, {
      topic: applyIncrementalTopicConfigs,
      broker: applyIncrementalBrokerConfigs,
    });
  },
});
