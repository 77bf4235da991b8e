/**
 * DescribeConfigs (key 32), v0-4. Topic and broker resources; v1 adds config sources and
 * synonyms (when include_synonyms), v3 config types and documentation (when
 * include_documentation), v4 is flexible. Sensitive values are null. The empty broker name is
 * the cluster default resource, which lists only the dynamic defaults set there, as Kafka does.
 */
import {ErrorCode, errorMessage} from '../../protocol/error-codes.js';
import type {DescribeConfigsRequest, DescribeConfigsRequestDescribeConfigsResource} from '../../protocol/generated/types.js';
import {checkBrokerResource, ResourceType} from '../config/alter.js';
import {ApiException, toApiError} from '../config/api-error.js';
import {describeBrokerConfigs, describeClusterDefaultConfigs, DescribedConfig, describeTopicConfigs} from '../config/index.js';
import {defineHandler, HandlerContext} from '../handler.js';

function configsOf(resource: DescribeConfigsRequestDescribeConfigsResource, ctx: HandlerContext): DescribedConfig[] {
  switch (resource.resourceType) {
    case ResourceType.TOPIC: {
      if (resource.resourceName === '') throw new ApiException(ErrorCode.INVALID_REQUEST, 'Default topic resources are not allowed.');
      const info = ctx.broker.topics.get(resource.resourceName);
      if (!info) throw new ApiException(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION));
      return describeTopicConfigs(info.configs, ctx.broker.config);
    }
    case ResourceType.BROKER:
      checkBrokerResource(resource.resourceName, ctx.broker.nodeId);
      return resource.resourceName === '' ? describeClusterDefaultConfigs(ctx.broker.config) : describeBrokerConfigs(ctx.broker.config);
    default:
      throw new ApiException(ErrorCode.INVALID_REQUEST, `Unsupported resource type ${resource.resourceType} for DescribeConfigs`);
  }
}

export const handler = defineHandler<DescribeConfigsRequest>({
  apiKey: 32,
  minVersion: 0,
  maxVersion: 4,
  async handle(request, ctx) {
    const includeSynonyms = request.includeSynonyms ?? false;
    const includeDocs = request.includeDocumentation ?? false;
    const results = request.resources.map((resource) => {
      const base = {resourceType: resource.resourceType, resourceName: resource.resourceName};
      try {
        const keys = resource.configurationKeys;
        const configs = configsOf(resource, ctx)
          .filter((c) => keys === null || keys.length === 0 || keys.includes(c.name))
          .map((c) => ({
            ...c,
            synonyms: includeSynonyms ? c.synonyms : [],
            documentation: includeDocs ? c.documentation : null,
          }));
        return {...base, errorCode: ErrorCode.NONE, errorMessage: null, configs};
      } catch (err) {
        return {...base, ...toApiError(err), configs: []};
      }
    });
    return {throttleTimeMs: 0, results};
  },
});
