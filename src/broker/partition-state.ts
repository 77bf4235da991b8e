/**
 * Facts about a partition that several handlers report the same way: its leader epoch, the
 * fencing check of a client's current leader epoch (KIP-320), and what a partition whose log is
 * still being created looks like to requests that only read it.
 */
import {ErrorCode} from '../protocol/error-codes.js';
import type {PartitionLog} from '../storage/partition-log.js';

/** The leader epoch of a new partition: this node leads it from its creation. */
export const NEW_LEADER_EPOCH = 0;

/**
 * The partition's leader epoch. kstream is a single node that never loses leadership, so the
 * epoch is the latest one the log recorded (Kafka's, for an adopted data dir) or 0.
 */
export function leaderEpochOf(log: Pick<PartitionLog, 'leaderEpoch'>): number {
  return Math.max(0, log.leaderEpoch);
}

/** NONE, or the error Kafka gives a client whose current leader epoch differs from ours. */
export function checkLeaderEpoch(requested: number, log: Pick<PartitionLog, 'leaderEpoch'>): number {
  if (requested < 0) return ErrorCode.NONE;
  const ours = leaderEpochOf(log);
  if (requested < ours) return ErrorCode.FENCED_LEADER_EPOCH;
  if (requested > ours) return ErrorCode.UNKNOWN_LEADER_EPOCH;
  return ErrorCode.NONE;
}

/**
 * What requests that only read a partition use: its log, or, while the log is being created, the
 * empty log it is going to be (NEW_PARTITION).
 */
export type PartitionView = Pick<PartitionLog,
  'leaderEpoch' | 'logStartOffset' | 'logEndOffset' | 'highWatermark' | 'sizeInBytes' | 'read' | 'readNow' | 'maxTimestamp' | 'offsetForTimestamp' | 'endOffsetForEpoch' | 'onOlderSegment'>;

/** A partition whose log is still being created: empty from offset 0, leader epoch 0. */
export const NEW_PARTITION: PartitionView = Object.freeze({
  leaderEpoch: NEW_LEADER_EPOCH,
  logStartOffset: 0n,
  logEndOffset: 0n,
  highWatermark: 0n,
  sizeInBytes: 0,
  read: () => Promise.resolve(Buffer.alloc(0)),
  readNow: () => Buffer.alloc(0),
  onOlderSegment: () => false,
  maxTimestamp: () => Promise.resolve(null),
  offsetForTimestamp: () => Promise.resolve(null),
  endOffsetForEpoch: (epoch: number) => (epoch >= 0 ? {leaderEpoch: NEW_LEADER_EPOCH, endOffset: 0n} : {leaderEpoch: -1, endOffset: -1n}),
});
