/**
 * The data of `kstream lag`, from raw samples to the view every renderer (table, JSON, Ink)
 * shows. Units are in the names; int64 offsets are bigint; values that can be unknown are
 * tagged or null, never NaN.
 */

/** A source of the current time, injected so that evaluation is testable. */
export interface Clock {
  nowMs(): number;
}

export const systemClock: Clock = {nowMs: () => Date.now()};

export interface GroupMemberInfo {
  memberId: string;
  clientId: string;
  host: string;
  assignment: Array<{topic: string; partition: number}>;
}

/** One group as one refresh saw it. */
export interface RawGroup {
  groupId: string;
  state: string;
  members: GroupMemberInfo[];
  /** Committed offset per `topic:partition`. */
  committed: Map<string, bigint>;
}

/** Timestamp of the oldest unconsumed record, read from the partition at the committed offset. */
export interface OldestRecord {
  timestampMs: number;
  /** `record`: the record at the committed offset; `batch`: only its batch header was read (first record of the batch). */
  precision: 'record' | 'batch';
}

/** Everything one refresh fetched from the cluster. */
export interface RawSnapshot {
  atMs: number;
  groups: RawGroup[];
  /** Log end offset per `topic:partition`, for every partition some group has committed or is assigned. */
  logEndOffsets: Map<string, bigint>;
  /** Oldest unconsumed record per `group|topic:partition` (absent when it could not be read). */
  oldest: Map<string, OldestRecord>;
  /** Requests sent in this refresh, per broker node id (bootstrap requests count as node -1). */
  requests: Map<number, number>;
}

/** Lag in time, as a tagged result (kafka-lag-exporter's idea, without its NaN). */
export type TimeLag =
  | {kind: 'no-data'; reason: string}
  | {kind: 'caught-up'; lagMs: 0}
  | {kind: 'measured'; lagMs: number; precision: 'record' | 'batch'}
  | {kind: 'estimated'; lagMs: number};

/** How long until the lag is gone at the current rates. */
export type CatchUp =
  | {kind: 'no-data'}
  | {kind: 'caught-up'}
  | {kind: 'never'}
  | {kind: 'eta'; ms: number};

/** Burrow's partition statuses. */
export type PartitionStatus = 'OK' | 'WARN' | 'STOP' | 'STALL' | 'REWIND';
/** Burrow's group statuses: ERR when any partition is STOP, STALL or REWIND. */
export type GroupStatus = 'OK' | 'WARN' | 'ERR';

export interface PartitionLag {
  group: string;
  topic: string;
  partition: number;
  committedOffset: bigint | null;
  logEndOffset: bigint | null;
  lag: bigint | null;
  timeLag: TimeLag;
  /** Records per second over the window; null with fewer than two samples. */
  consumeRate: number | null;
  produceRate: number | null;
  catchUp: CatchUp;
  status: PartitionStatus;
  consumerId: string | null;
  clientId: string | null;
  host: string | null;
}

export interface GroupLag {
  group: string;
  state: string;
  members: Array<{consumerId: string; clientId: string; host: string; partitions: number}>;
  status: GroupStatus;
  totalLag: bigint;
  /** The largest time lag among the partitions (its kind tells whether it was measured). */
  maxTimeLag: TimeLag;
  consumeRate: number | null;
  produceRate: number | null;
  catchUp: CatchUp;
  /** Total lag at each sample in the window, oldest first (the sparkline). */
  trend: number[];
  partitions: PartitionLag[];
}

export interface LagReport {
  atMs: number;
  /** Samples the rates and statuses were computed over (1 = a single snapshot). */
  samples: number;
  windowMs: number;
  groups: GroupLag[];
}
