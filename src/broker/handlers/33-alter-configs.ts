/**
 * AlterConfigs (key 33), v0-2 (v2 flexible). Replaces a topic's overrides, or a broker
 * resource's dynamic configs, with exactly the entries given (configs not listed go back to
 * what is below them), as Kafka's legacy API does.
 */
import type {AlterConfigsRequest} from '../../protocol/generated/types.js';
import {replaceTopicConfigs} from '../config/alter.js';
import {alterResources} from '../config/alter-resources.js';
import {replaceBrokerConfigs} from '../config/dynamic.js';
import {defineHandler} from '../handler.js';

export const handler = defineHandler<AlterConfigsRequest>({
  apiKey: 33,
  minVersion: 0,
  maxVersion: 2,
  async handle(request, ctx) {
    return alterResources(request.resources, request.validateOnly, ctx, {
      topic: (_current, configs) => replaceTopicConfigs(configs),
      broker: (_current, configs) => replaceBrokerConfigs(configs),
    });
  },
});
