/**
 * Topic config changes as AlterConfigs (full replacement) and IncrementalAlterConfigs (SET,
 * DELETE, APPEND, SUBTRACT) define them, plus the resource checks both share. Pure functions: the
 * handlers apply the result through TopicManager.setTopicConfigs. Broker resources (dynamic
 * broker configs) have Kafka's own rules in dynamic.ts and are applied by dynamic-state.ts.
 */
import {ConfigError, INVALID_REQUEST} from './errors.js';
import {TOPIC_CONFIG_BY_NAME} from './topic-configs.js';
import {validateTopicConfigs} from './index.js';

/** ConfigResource.Type codes on the wire. */
export const ResourceType = {UNKNOWN: 0, TOPIC: 2, BROKER: 4, BROKER_LOGGER: 8, CLIENT_METRICS: 16, GROUP: 32} as const;

/** IncrementalAlterConfigs operation codes (AlterConfigOp.OpType). */
export const AlterOp = {SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3} as const;
const OP_NAMES = ['SET', 'DELETE', 'APPEND', 'SUBTRACT'];

/** AlterConfigs: the new overrides are exactly the entries given (null values mean "not set"). */
export function replaceTopicConfigs(entries: {name: string; value: string | null}[]): Record<string, string> {
  const next: Record<string, string> = {};
  for (const {name, value} of entries) if (value !== null) next[name] = value;
  validateTopicConfigs(next);
  return next;
}

/** IncrementalAlterConfigs on a topic's overrides; throws ConfigError with Kafka's code and message. */
export function applyIncrementalTopicConfigs(
  current: Record<string, string>,
  ops: {name: string; configOperation: number; value: string | null}[],
): Record<string, string> {
  const seen = new Set<string>();
  for (const op of ops) {
    if (seen.has(op.name)) throw new ConfigError(`Error due to duplicate config keys`, INVALID_REQUEST);
    seen.add(op.name);
  }
  const next = {...current};
  for (const op of ops) {
    const def = TOPIC_CONFIG_BY_NAME.get(op.name);
    switch (op.configOperation) {
      case AlterOp.SET:
        if (op.value === null) throw new ConfigError(`Null value not supported for : ${op.name}`);
        next[op.name] = op.value;
        break;
      case AlterOp.DELETE:
        delete next[op.name];
        break;
      case AlterOp.APPEND:
      case AlterOp.SUBTRACT: {
        if (!def) throw new ConfigError(`Unknown topic config name: ${op.name}`);
        if (def.type !== 'list') {
          throw new ConfigError(notAListMessage(op.configOperation, op.name));
        }
        next[op.name] = applyListOperation(op.configOperation, next[op.name] ?? def.defaultValue ?? '', op.value ?? '');
        break;
      }
      default:
        throw new ConfigError(`Unknown alter config operation type ${op.configOperation}`, INVALID_REQUEST);
    }
  }
  validateTopicConfigs(next);
  return next;
}

/**
 * APPEND or SUBTRACT on a list config's value, as Kafka's controller does for topics and brokers
 * alike (ConfigurationControlManager): APPEND adds each value not there yet, SUBTRACT removes one
 * occurrence of each.
 */
export function applyListOperation(operation: number, current: string, value: string): string {
  const list = splitList(current);
  for (const v of splitList(value)) {
    const at = list.indexOf(v);
    if (operation === AlterOp.APPEND && at < 0) list.push(v);
    if (operation === AlterOp.SUBTRACT && at >= 0) list.splice(at, 1);
  }
  return list.join(',');
}

/** Kafka's message for APPEND or SUBTRACT on a config that is not a list. */
export function notAListMessage(operation: number, name: string): string {
  return `Can't ${OP_NAMES[operation]} to key ${name} because its type is not LIST.`;
}

function splitList(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}

/** DescribeConfigs: a broker resource must name this node or be empty (the cluster default), as Kafka's ConfigHelper requires. */
export function checkBrokerResource(resourceName: string, nodeId: number): void {
  if (resourceName === '') return;
  if (!/^-?\d+$/.test(resourceName)) {
    throw new ConfigError(`Broker id must be an integer, but it is: ${resourceName}`, INVALID_REQUEST);
  }
  if (Number(resourceName) !== nodeId) {
    throw new ConfigError(`Unexpected broker id, expected ${nodeId} or empty string, but received ${resourceName}`, INVALID_REQUEST);
  }
}

/** AlterConfigs / IncrementalAlterConfigs: the same rule with Kafka's ConfigAdminManager wording. */
export function checkAlterBrokerResource(resourceName: string, nodeId: number): void {
  if (resourceName === '') return;
  if (!/^[+-]?\d+$/.test(resourceName) || !Number.isSafeInteger(Number(resourceName))) {
    throw new ConfigError(`Node id must be an integer, but it is: ${resourceName}`, INVALID_REQUEST);
  }
  if (Number(resourceName) !== nodeId) {
    throw new ConfigError(`Unexpected broker id, expected ${nodeId}, but received ${resourceName}`, INVALID_REQUEST);
  }
}
