/**
 * A cluster seen through the project's own protocol client: bootstrap from the first reachable
 * broker, learn the brokers from Metadata, and send each request to the broker that must answer
 * it (partition leaders for ListOffsets, every broker for DescribeLogDirs, the coordinator for
 * group requests). Connections are opened lazily and closed together.
 */
import {ApiKey} from '../protocol/generated/api-keys.js';
import type {MetadataResponse} from '../protocol/generated/types.js';
import {KstreamError} from '../output/errors.js';
import {ConnectionOptions} from './connection.js';
import {ProtocolClient} from './protocol-client.js';
import {errorName} from '../protocol/error-codes.js';

export interface BrokerAddress {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
}

export interface TopicPartition {
  topic: string;
  partition: number;
}

/** ListOffsets special timestamps. */
export const EARLIEST = -2n;
export const LATEST = -1n;
export const MAX_TIMESTAMP = -3n;

export class KafkaProtocolError extends KstreamError {
  constructor(readonly errorCode: number, what: string, message?: string | null) {
    super(`${what}: ${errorName(errorCode)}${message ? ` (${message})` : ''}`);
  }
}

export interface ConnectOptions {
  /**
   * Do not ask for the broker list while connecting: for a caller whose first request is a
   * Metadata request of its own (`topics list`, `topics describe`, `partitions list`), whose
   * response carries the brokers as well, so the command makes one round trip less. Until a
   * Metadata response has arrived, brokerList throws and broker() asks for the list first.
   */
  brokersFromFirstMetadata?: boolean;
}

export class ClusterClient {
  private readonly clients = new Map<number, Promise<ProtocolClient>>();
  /** Undefined until a Metadata response has been received. */
  private brokers?: Map<number, BrokerAddress>;

  private constructor(readonly conn: ConnectionOptions, private readonly bootstrap: ProtocolClient) {}

  static async connect(conn: ConnectionOptions, options: ConnectOptions = {}): Promise<ClusterClient> {
    let lastError: unknown;
    for (const address of conn.brokers) {
      try {
        const client = new ClusterClient(conn, await ProtocolClient.connect(conn, address));
        if (!options.brokersFromFirstMetadata) await client.refreshBrokers();
        return client;
      } catch (err) {
        lastError = err;
      }
    }
    throw lastError;
  }

  /** Connect, run `fn`, always close. */
  static async with<T>(conn: ConnectionOptions, fn: (cluster: ClusterClient) => Promise<T>, options: ConnectOptions = {}): Promise<T> {
    const cluster = await ClusterClient.connect(conn, options);
    try {
      return await fn(cluster);
    } finally {
      await cluster.close();
    }
  }

  get brokerList(): BrokerAddress[] {
    if (!this.brokers) throw new Error('ClusterClient.brokerList read before any Metadata response (connected with brokersFromFirstMetadata)');
    return [...this.brokers.values()].sort((a, b) => a.nodeId - b.nodeId);
  }

  /** Any broker: the bootstrap connection. */
  get any(): ProtocolClient {
    return this.bootstrap;
  }

  /** Metadata for the given topics (null = all topics). */
  async metadata(topics: string[] | null): Promise<MetadataResponse> {
    const response = await this.bootstrap.request<MetadataResponse>(ApiKey.Metadata, {
      topics: topics === null ? null : topics.map((name) => ({name, topicId: 'AAAAAAAAAAAAAAAAAAAAAA'})),
      allowAutoTopicCreation: false,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: false,
    });
    this.brokers = new Map(response.brokers.map((b) => [b.nodeId, {nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack ?? null}]));
    return response;
  }

  async refreshBrokers(): Promise<void> {
    await this.metadata([]);
  }

  /** The connection to one broker by node id (opened on first use). */
  async broker(nodeId: number): Promise<ProtocolClient> {
    if (!this.brokers) await this.refreshBrokers();
    let client = this.clients.get(nodeId);
    if (!client) {
      const b = this.brokers!.get(nodeId);
      if (!b) throw new KstreamError(`broker ${nodeId} is not in the cluster metadata`);
      const address = `${b.host.includes(':') ? `[${b.host}]` : b.host}:${b.port}`;
      client = address === this.bootstrap.address ? Promise.resolve(this.bootstrap) : ProtocolClient.connect(this.conn, address);
      this.clients.set(nodeId, client);
    }
    return client;
  }

  /**
   * Offsets at a timestamp (EARLIEST, LATEST, MAX_TIMESTAMP or a time in ms) for partitions,
   * asking each partition's leader. Result key: `topic:partition`; offset -1 when none.
   */
  async listOffsets(partitions: TopicPartition[], timestamp: bigint, leaders: Map<string, number>): Promise<Map<string, {offset: bigint; timestamp: bigint; errorCode: number}>> {
    const byLeader = new Map<number, TopicPartition[]>();
    for (const tp of partitions) {
      const leader = leaders.get(`${tp.topic}:${tp.partition}`);
      if (leader === undefined || leader < 0) continue;
      byLeader.set(leader, [...(byLeader.get(leader) ?? []), tp]);
    }
    const result = new Map<string, {offset: bigint; timestamp: bigint; errorCode: number}>();
    await Promise.all([...byLeader].map(async ([leader, tps]) => {
      const client = await this.broker(leader);
      const topics = new Map<string, number[]>();
      for (const tp of tps) topics.set(tp.topic, [...(topics.get(tp.topic) ?? []), tp.partition]);
      const response = await client.request<any>(ApiKey.ListOffsets, {
        replicaId: -1,
        isolationLevel: 0,
        topics: [...topics].map(([name, ps]) => ({name, partitions: ps.map((partitionIndex) => ({partitionIndex, currentLeaderEpoch: -1, timestamp, maxNumOffsets: 1}))})),
      });
      for (const t of response.topics) {
        for (const p of t.partitions) {
          const offset = p.offset ?? (p.oldStyleOffsets?.[0] ?? -1n);
          result.set(`${t.name}:${p.partitionIndex}`, {offset, timestamp: p.timestamp ?? -1n, errorCode: p.errorCode});
        }
      }
    }));
    return result;
  }

  async close(): Promise<void> {
    const all = await Promise.allSettled([...this.clients.values()]);
    for (const r of all) if (r.status === 'fulfilled') r.value.close();
    this.bootstrap.close();
  }
}

/** Leader node id per `topic:partition`, from a Metadata response. */
export function leadersOf(metadata: MetadataResponse): Map<string, number> {
  const leaders = new Map<string, number>();
  for (const t of metadata.topics) for (const p of t.partitions) leaders.set(`${t.name}:${p.partitionIndex}`, p.leaderId);
  return leaders;
}
