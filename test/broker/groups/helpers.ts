/** Test doubles for the group coordinator: an in-memory __consumer_offsets and join/sync helpers. */
import {encodeData} from '../../../src/protocol/api.js';
import {GroupCoordinator, type GroupCoordinatorConfig} from '../../../src/broker/groups/coordinator.js';
import type {JoinParams} from '../../../src/broker/groups/membership.js';
import type {OffsetsLog, OffsetsLogRecord, OffsetsPartitionState} from '../../../src/broker/groups/offsets-log.js';
import {ManualScheduler} from '../../../src/broker/groups/scheduler.js';
import type {JoinGroupResult} from '../../../src/broker/groups/types.js';

export class MemoryOffsetsLog implements OffsetsLog {
  readonly partitions = new Map<number, OffsetsLogRecord[]>();
  failNext = false;
  topicCreated = false;
  /** Partitions not ready to serve, and the state they report; every other partition is 'ready'. */
  readonly notReady = new Map<number, OffsetsPartitionState>();
  /** Partitions prepare() was called for, in order. */
  readonly prepared: number[] = [];

  constructor(private readonly count = 50) {}

  numPartitions(): number {
    return this.count;
  }

  async ensureTopic(): Promise<void> {
    this.topicCreated = true;
  }

  partitionState(partition: number): OffsetsPartitionState {
    return this.notReady.get(partition) ?? 'ready';
  }

  async prepare(partition: number): Promise<void> {
    this.topicCreated = true;
    this.prepared.push(partition);
  }

  async append(partition: number, records: OffsetsLogRecord[]): Promise<void> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('disk failed');
    }
    this.topicCreated = true;
    const list = this.partitions.get(partition) ?? [];
    list.push(...records);
    this.partitions.set(partition, list);
  }

  async *readAll(): AsyncIterable<OffsetsLogRecord> {
    for (const p of [...this.partitions.keys()].sort((a, b) => a - b)) yield* this.partitions.get(p)!;
  }

  all(): OffsetsLogRecord[] {
    return [...this.partitions.values()].flat();
  }
}

export const TEST_CONFIG: GroupCoordinatorConfig = {
  groupInitialRebalanceDelayMs: 3000,
  groupMaxSize: 1000,
  groupMinSessionTimeoutMs: 6000,
  groupMaxSessionTimeoutMs: 1_800_000,
  offsetsRetentionMs: 7 * 24 * 3600 * 1000,
  offsetsRetentionCheckIntervalMs: 600_000,
  offsetMetadataMaxBytes: 4096,
};

export async function newCoordinator(options: {config?: Partial<GroupCoordinatorConfig>; log?: MemoryOffsetsLog; scheduler?: ManualScheduler} = {}) {
  const scheduler = options.scheduler ?? new ManualScheduler();
  const log = options.log ?? new MemoryOffsetsLog();
  const config = {...TEST_CONFIG, ...options.config};
  const coordinator = new GroupCoordinator({log, scheduler, config: () => config});
  await coordinator.startup();
  return {coordinator, scheduler, log, config};
}

/** ConsumerProtocolSubscription bytes (version 0) for the given topics. */
export function subscription(topics: string[]): Buffer {
  const body = encodeData('ConsumerProtocolSubscription', 0, {topics, userData: null});
  return Buffer.concat([Buffer.from([0, 0]), body]);
}

export function joinParams(overrides: Partial<JoinParams> = {}): JoinParams {
  return {
    groupId: 'g',
    memberId: '',
    groupInstanceId: null,
    requireKnownMemberId: false,
    supportSkippingAssignment: false,
    clientId: 'client',
    clientHost: '/127.0.0.1',
    rebalanceTimeoutMs: 60_000,
    sessionTimeoutMs: 10_000,
    protocolType: 'consumer',
    protocols: [{name: 'range', metadata: subscription(['t'])}],
    ...overrides,
  };
}

/** Let promise callbacks (storage appends) run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}

/** Start a join and report whether it has been answered yet. */
export function pendingJoin(coordinator: GroupCoordinator, params: JoinParams) {
  const state: {result: JoinGroupResult | null} = {result: null};
  const promise = coordinator.joinGroup(params).then((r) => (state.result = r));
  return {state, promise};
}
