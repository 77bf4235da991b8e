/**
 * Kafka's rules for dynamic broker configs (KIP-226; DynamicBrokerConfig.validateConfigs and
 * ConfigAdminManager): which names AlterConfigs may set on a BROKER resource, at which level, and
 * how a request turns the stored set into the next one. Pure functions; dynamic-state.ts applies
 * and persists the result.
 *
 * As in Kafka, a rejected change is INVALID_REQUEST whatever the reason, a bad value included
 * (Kafka wraps the ConfigException, KAFKA-13609); only the IncrementalAlterConfigs list-operation
 * checks are INVALID_CONFIG. Names Kafka does not define are accepted and stored as custom configs
 * (Kafka allows them for plugins); kstream gives them no effect.
 */
import {AlterOp, applyListOperation, notAListMessage} from './alter.js';
import {BROKER_CONFIG_BY_NAME} from './broker-configs.js';
import {ConfigError, INVALID_CONFIG, INVALID_REQUEST} from './errors.js';
import {resolveBrokerValue, type BrokerSources} from './resolve.js';
import {checkValue, parseValue} from './types.js';

/** SslConfigs.RECONFIGURABLE_CONFIGS: dynamic only per listener (`listener.name.NAME.` prefix). */
const LISTENER_SECURITY_CONFIGS: ReadonlySet<string> = new Set([
  'ssl.keystore.type', 'ssl.keystore.location', 'ssl.keystore.password', 'ssl.key.password', 'ssl.keystore.key',
  'ssl.keystore.certificate.chain', 'ssl.truststore.type', 'ssl.truststore.location', 'ssl.truststore.password',
  'ssl.truststore.certificates',
]);

/** Listener configs Kafka allows as cluster-wide defaults (DynamicBrokerConfig.ClusterLevelListenerConfigs). */
const CLUSTER_LEVEL_LISTENER_CONFIGS: ReadonlySet<string> = new Set(['max.connections', 'max.connection.creation.rate', 'num.network.threads']);

/**
 * DynamicListenerConfig.ReconfigurableConfigs: with the security configs above, Kafka's
 * per-broker configs (refused at the cluster default level) except the cluster-level three.
 */
const LISTENER_CONFIGS: ReadonlySet<string> = new Set([
  'listeners', 'listener.security.protocol.map', 'principal.builder.class', 'ssl.protocol', 'ssl.provider', 'ssl.cipher.suites',
  'ssl.enabled.protocols', 'ssl.keymanager.algorithm', 'ssl.trustmanager.algorithm', 'ssl.endpoint.identification.algorithm',
  'ssl.secure.random.implementation', 'ssl.client.auth', 'ssl.engine.factory.class', 'sasl.mechanism.inter.broker.protocol',
  'sasl.jaas.config', 'sasl.enabled.mechanisms', 'sasl.kerberos.service.name', 'sasl.kerberos.kinit.cmd',
  'sasl.kerberos.ticket.renew.window.factor', 'sasl.kerberos.ticket.renew.jitter', 'sasl.kerberos.min.time.before.relogin',
  'sasl.kerberos.principal.to.local.rules', 'sasl.login.refresh.window.factor', 'sasl.login.refresh.window.jitter',
  'sasl.login.refresh.min.period.seconds', 'sasl.login.refresh.buffer.seconds', ...LISTENER_SECURITY_CONFIGS,
  ...CLUSTER_LEVEL_LISTENER_CONFIGS,
]);

const LISTENER_PREFIX = /^listener\.name\.[^.]*\.(.*)$/;

/** Kafka prints these name sets with Scala's Set.toString: Set(a, b) up to four, HashSet(...) beyond. */
function scalaSet(names: string[]): string {
  return `${names.length > 4 ? 'HashSet' : 'Set'}(${names.join(', ')})`;
}

function refuse(names: string[], why: string): void {
  if (names.length > 0) throw new ConfigError(`${why}: ${scalaSet(names)}`, INVALID_REQUEST);
}

function isPerBrokerOnly(name: string): boolean {
  const prefixed = LISTENER_PREFIX.exec(name);
  if (prefixed) return !CLUSTER_LEVEL_LISTENER_CONFIGS.has(prefixed[1]);
  return LISTENER_CONFIGS.has(name) && !CLUSTER_LEVEL_LISTENER_CONFIGS.has(name);
}

/**
 * Kafka's DynamicBrokerConfig.validateConfigs on one resource's complete next set: static names,
 * bare listener security configs, value types and ranges, then (cluster default only) per-broker
 * names. Throws ConfigError (INVALID_REQUEST) with Kafka's message.
 */
export function validateDynamicBrokerConfigs(configs: Record<string, string>, perBroker: boolean): void {
  const names = Object.keys(configs);
  refuse(names.filter((n) => BROKER_CONFIG_BY_NAME.has(n) && !BROKER_CONFIG_BY_NAME.get(n)!.dynamic), 'Cannot update these configs dynamically');
  refuse(names.filter((n) => LISTENER_SECURITY_CONFIGS.has(n)),
    'These security configs can be dynamically updated only per-listener using the listener prefix');
  for (const name of names) {
    const def = BROKER_CONFIG_BY_NAME.get(LISTENER_PREFIX.exec(name)?.[1] ?? name);
    if (!def) continue;
    try {
      checkValue(def, configs[name]);
    } catch (err) {
      throw new ConfigError((err as Error).message, INVALID_REQUEST);
    }
  }
  if (!perBroker) {
    refuse(names.filter(isPerBrokerOnly), 'Cannot update these configs at default cluster level, broker id must be specified');
  }
}

/**
 * Checks Kafka makes on the whole new broker config before reconfiguring (DynamicLogConfig's
 * local-retention bounds); a failure is Kafka's "Invalid dynamic configuration".
 */
export function validateReconfiguration(sources: BrokerSources): void {
  const long = (name: string): bigint | null => {
    const value = parseValue(BROKER_CONFIG_BY_NAME.get(name)!, resolveBrokerValue(sources, name).value);
    return value === null ? null : BigInt(value as bigint | number);
  };
  // KafkaConfig.logRetentionTimeMillis: ms, else minutes, else hours; negative means unlimited (-1).
  const minutes = long('log.retention.minutes');
  const retentionMs = long('log.retention.ms') ?? (minutes !== null ? minutes * 60_000n : long('log.retention.hours')! * 3_600_000n);
  const bounds: [bigint, bigint][] = [
    [retentionMs < 0n ? -1n : retentionMs, long('log.local.retention.ms')!],
    [long('log.retention.bytes')!, long('log.local.retention.bytes')!],
  ];
  for (const [total, local] of bounds) {
    if (total < 0n || local === -2n) continue;
    if (local === -1n || local > total) throw new ConfigError('Invalid dynamic configuration', INVALID_REQUEST);
  }
}

/** Legacy AlterConfigs on a broker resource: the set becomes exactly the entries given. */
export function replaceBrokerConfigs(entries: {name: string; value: string | null}[]): Record<string, string> {
  checkEntries(entries, (e) => e.value === null);
  return Object.fromEntries(entries.map((e) => [e.name, e.value!]));
}

/** IncrementalAlterConfigs on a broker resource's dynamic set (Kafka's ConfigAdminManager checks, the controller's list operations). */
export function applyIncrementalBrokerConfigs(
  current: Record<string, string>,
  ops: {name: string; configOperation: number; value: string | null}[],
): Record<string, string> {
  checkEntries(ops, (op) => op.configOperation !== AlterOp.DELETE && op.value === null);
  const next = {...current};
  for (const op of ops) {
    switch (op.configOperation) {
      case AlterOp.SET:
        next[op.name] = op.value!;
        break;
      case AlterOp.DELETE:
        delete next[op.name];
        break;
      case AlterOp.APPEND:
      case AlterOp.SUBTRACT: {
        const def = BROKER_CONFIG_BY_NAME.get(op.name);
        if (!def) throw new ConfigError(`Unknown config name: ${op.name}`, INVALID_CONFIG);
        if (def.type !== 'list') throw new ConfigError(notAListMessage(op.configOperation, op.name), INVALID_CONFIG);
        next[op.name] = applyListOperation(op.configOperation, next[op.name] ?? def.defaultValue ?? '', op.value!);
        break;
      }
      default:
        throw new ConfigError(`Unknown operations type ${op.configOperation}`, INVALID_REQUEST);
    }
  }
  return next;
}

/** ConfigAdminManager.preprocess: duplicate names, then values that may not be null. */
function checkEntries<E extends {name: string}>(entries: E[], nullValue: (e: E) => boolean): void {
  if (new Set(entries.map((e) => e.name)).size !== entries.length) throw new ConfigError('Error due to duplicate config keys', INVALID_REQUEST);
  const nulls = entries.filter(nullValue).map((e) => e.name);
  if (nulls.length > 0) throw new ConfigError(`Null value not supported for : ${nulls.join(', ')}`, INVALID_REQUEST);
}


/**
 * Stored dynamic configs that no longer pass (a hand-edited file, a kstream that defines a name
 * differently): Kafka drops them with an error log rather than refusing to start. Returns the
 * valid part and the names dropped.
 */
export function keepValidDynamicConfigs(configs: Record<string, string>, perBroker: boolean): {valid: Record<string, string>; dropped: string[]} {
  const valid: Record<string, string> = {};
  const dropped: string[] = [];
  for (const [name, value] of Object.entries(configs)) {
    try {
      if (typeof value !== 'string') throw new Error('not a string');
      validateDynamicBrokerConfigs({[name]: value}, perBroker);
      valid[name] = value;
    } catch {
      dropped.push(name);
    }
  }
  return {valid, dropped};
}
