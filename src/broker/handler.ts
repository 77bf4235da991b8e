/**
 * What a request handler is: one API key, the versions it serves, and a function from the
 * decoded request to the response body. Handlers stay thin: decode is done by the registry,
 * the work by services (topics, logs, groups), encoding by the codec.
 */
import type {RequestHeader} from '../protocol/api.js';
import type {LogManager} from '../storage/log-manager.js';
import type {BrokerConfig} from './config/index.js';
import type {DynamicBrokerConfigState} from './config/dynamic-state.js';
import type {TopicManager} from './topics/topic-manager.js';
import type {FetchSessionCache} from './fetch/fetch-session.js';
import type {GroupCoordinator} from './groups/coordinator.js';
import type {ApiVersionRange} from './registry.js';
import type {ReadArena} from '../storage/read-arena.js';

export interface BrokerServices {
  nodeId: number;
  clusterId: string;
  /** The advertised host and port clients should connect to. */
  host: string;
  port: number;
  /** The current config (static under dynamic); replaced, not mutated, when a dynamic config changes. */
  config: BrokerConfig;
  /** Dynamic broker configs: AlterConfigs on BROKER resources go through it. */
  brokerConfigs: DynamicBrokerConfigState;
  topics: TopicManager;
  logs: LogManager;
  fetchSessions: FetchSessionCache;
  /** The classic group coordinator (groups, offsets in __consumer_offsets). */
  groups: GroupCoordinator;
  /** What the registry serves (for ApiVersions). */
  apiVersions(): ApiVersionRange[];
  now(): number;
  /** One line for the broker's log (stderr for the CLI). */
  log(line: string): void;
  /** Set when the broker is shutting down: long polls end early. */
  readonly closing: AbortSignal;
}

/**
 * `services` as a new object made by this one literal, so that every BrokerServices has the same
 * V8 hidden class: the path warm-up's copy (with its own topics and logs) made with a spread had
 * another, and the handler code V8 had optimized on it deoptimized at the broker's first Produce.
 */
export function brokerServices(services: BrokerServices): BrokerServices {
  return {
    nodeId: services.nodeId,
    clusterId: services.clusterId,
    host: services.host,
    port: services.port,
    config: services.config,
    brokerConfigs: services.brokerConfigs,
    topics: services.topics,
    logs: services.logs,
    fetchSessions: services.fetchSessions,
    groups: services.groups,
    apiVersions: services.apiVersions,
    now: services.now,
    log: services.log,
    closing: services.closing,
  };
}

export interface ConnectionInfo {
  remoteAddress: string;
  clientId: string | null;
}

export interface HandlerContext {
  header: RequestHeader;
  broker: BrokerServices;
  connection: ConnectionInfo;
  /** Memory for a Fetch's small reads, set by the handler; released once the response is encoded. */
  arena?: ReadArena;
}

export interface Handler<Req = any, Res = any> {
  apiKey: number;
  minVersion: number;
  maxVersion: number;
  /**
   * The response body, or null to send nothing (Produce with acks=0). A handler that can answer
   * at once may return it rather than a promise: the dispatcher then encodes it without a turn
   * of the microtask queue (a small Produce is answered so).
   */
  handle(request: Req, ctx: HandlerContext): Res | null | Promise<Res | null>;
}

export function defineHandler<Req = any, Res = any>(handler: Handler<Req, Res>): Handler<Req, Res> {
  if (handler.minVersion < 0 || handler.maxVersion < handler.minVersion) {
    throw new Error(`handler for api key ${handler.apiKey} has an empty version range ${handler.minVersion}-${handler.maxVersion}`);
  }
  return handler;
}
