/**
 * The part AlterConfigs and IncrementalAlterConfigs share: walk the resources, compute each one's
 * next config set with the API's rule (topic overrides, or a broker resource's dynamic configs),
 * apply it unless validate_only, and report a per-resource error.
 */
import {ErrorCode, errorMessage} from '../../protocol/error-codes.js';
import type {HandlerContext} from '../handler.js';
import {checkAlterBrokerResource, ResourceType} from './alter.js';
import {ApiException, toApiError} from './api-error.js';

export interface AlterResource<C extends {name: string}> {
  resourceType: number;
  resourceName: string;
  configs: C[];
}

/** How one API turns a resource's current set and the request's entries into the next set. */
export interface AlterRules<C> {
  topic(current: Record<string, string>, configs: C[]): Record<string, string>;
  broker(current: Record<string, string>, configs: C[]): Record<string, string>;
}

export async function alterResources<C extends {name: string}>(
  resources: AlterResource<C>[],
  validateOnly: boolean,
  ctx: HandlerContext,
  rules: AlterRules<C>,
) {
  const keyOf = (r: AlterResource<C>) => `${r.resourceType}:${r.resourceName}`;
  const counts = new Map<string, number>();
  for (const r of resources) counts.set(keyOf(r), (counts.get(keyOf(r)) ?? 0) + 1);
  const responses = [];
  for (const resource of resources) {
    const base = {resourceType: resource.resourceType, resourceName: resource.resourceName};
    try {
      if (counts.get(keyOf(resource))! > 1) throw new ApiException(ErrorCode.INVALID_REQUEST, 'Duplicate resource.');
      await alterOne(resource, validateOnly, ctx, rules);
      responses.push({...base, errorCode: ErrorCode.NONE, errorMessage: null});
    } catch (err) {
      responses.push({...base, ...toApiError(err)});
    }
  }
  return {throttleTimeMs: 0, responses};
}

async function alterOne<C extends {name: string}>(
  resource: AlterResource<C>,
  validateOnly: boolean,
  ctx: HandlerContext,
  rules: AlterRules<C>,
): Promise<void> {
  switch (resource.resourceType) {
    case ResourceType.TOPIC: {
      if (resource.resourceName === '') throw new ApiException(ErrorCode.INVALID_REQUEST, 'Default topic resources are not allowed.');
      const info = ctx.broker.topics.get(resource.resourceName);
      if (!info) throw new ApiException(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION));
      const next = rules.topic(info.configs, resource.configs);
      if (!validateOnly) await ctx.broker.topics.setTopicConfigs(info.name, next);
      return;
    }
    case ResourceType.BROKER:
      // '' is the cluster-wide default (kafka-configs.sh --entity-default), else this node's id.
      checkAlterBrokerResource(resource.resourceName, ctx.broker.nodeId);
      await ctx.broker.brokerConfigs.alter(resource.resourceName, (current) => rules.broker(current, resource.configs), validateOnly);
      return;
    default:
      throw new ApiException(ErrorCode.INVALID_REQUEST, `Unsupported resource type ${resource.resourceType} for altering configs`);
  }
}
