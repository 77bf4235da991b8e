/**
 * The broker's live config: the static overrides it was started with under the dynamic broker
 * configs that AlterConfigs/IncrementalAlterConfigs set on BROKER resources (this node's id, or
 * '' for the cluster-wide default). A change is validated, written to the data dir, and only then
 * becomes the current config, which listeners (topics and their logs, background jobs) apply at
 * once. Changes are serialized, so each validates against the one before it.
 */
import {resolveBrokerConfig, type BrokerConfig} from './index.js';
import {keepValidDynamicConfigs, validateDynamicBrokerConfigs, validateReconfiguration} from './dynamic.js';
import {readBrokerConfigStore, StoredBrokerConfigs, writeBrokerConfigStore} from './dynamic-store.js';

export type BrokerConfigListener = (config: BrokerConfig, previous: BrokerConfig) => void;

export class DynamicBrokerConfigState {
  private readonly listeners: BrokerConfigListener[] = [];
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly dataDir: string,
    private readonly nodeId: number,
    private readonly staticOverrides: Record<string, string>,
    private stored: StoredBrokerConfigs,
    private current: BrokerConfig,
  ) {}

  /** Load the stored dynamic configs; entries that no longer validate are dropped with a log line, as Kafka does. */
  static async open(options: {dataDir: string; nodeId: number; overrides: Record<string, string>; log: (line: string) => void}): Promise<DynamicBrokerConfigState> {
    const stored = await readBrokerConfigStore(options.dataDir);
    const own = keepValidDynamicConfigs(stored.brokers[String(options.nodeId)] ?? {}, true);
    const defaults = keepValidDynamicConfigs(stored.clusterDefault, false);
    if (own.dropped.length > 0) options.log(`dynamic broker configs of node ${options.nodeId} ignored (invalid): ${own.dropped.join(', ')}`);
    if (defaults.dropped.length > 0) options.log(`dynamic cluster default configs ignored (invalid): ${defaults.dropped.join(', ')}`);
    const config = build(options.overrides, options.nodeId, own.valid, defaults.valid);
    return new DynamicBrokerConfigState(options.dataDir, options.nodeId, options.overrides, stored, config);
  }

  /** The config every request and job should use now. */
  get config(): BrokerConfig {
    return this.current;
  }

  /** Called after each applied change, in registration order. */
  onChange(listener: BrokerConfigListener): void {
    this.listeners.push(listener);
  }

  /** The dynamic set of a resource: '' is the cluster default, otherwise this node's id. */
  configsOf(resourceName: string): Record<string, string> {
    return {...(resourceName === '' ? this.current.dynamic.clusterDefault : this.current.dynamic.broker)};
  }

  /**
   * Make `next` the whole dynamic set of a resource ('' or this node's id, checked by the caller),
   * computed by `change` from the current set once earlier changes have finished. Throws
   * ConfigError with Kafka's code; with validateOnly nothing is written or applied.
   */
  alter(resourceName: string, change: (current: Record<string, string>) => Record<string, string>, validateOnly: boolean): Promise<void> {
    const work = async () => {
      const perBroker = resourceName !== '';
      const next = change(this.configsOf(resourceName));
      validateDynamicBrokerConfigs(next, perBroker);
      const {dynamic} = this.current;
      const candidate = perBroker ? build(this.staticOverrides, this.nodeId, next, dynamic.clusterDefault)
        : build(this.staticOverrides, this.nodeId, dynamic.broker, next);
      validateReconfiguration(candidate);
      if (validateOnly) return;
      const stored: StoredBrokerConfigs = perBroker
        ? {...this.stored, brokers: {...this.stored.brokers, [String(this.nodeId)]: next}}
        : {...this.stored, clusterDefault: next};
      if (perBroker && Object.keys(next).length === 0) delete stored.brokers[String(this.nodeId)];
      // Durable first: an acknowledged change survives a crash right after the answer.
      await writeBrokerConfigStore(this.dataDir, stored);
      this.stored = stored;
      const previous = this.current;
      this.current = candidate;
      for (const listener of this.listeners) listener(candidate, previous);
    };
    const result = this.queue.then(work, work);
    this.queue = result.catch(() => undefined);
    return result;
  }
}

function build(overrides: Record<string, string>, nodeId: number, broker: Record<string, string>, clusterDefault: Record<string, string>): BrokerConfig {
  return {...resolveBrokerConfig(overrides, {broker, clusterDefault}), nodeId};
}
