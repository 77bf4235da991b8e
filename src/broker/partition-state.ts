/**
 * Facts about a partition that several handlers report the same way: its leader epoch and the
 * fencing check of a client's current leader epoch (KIP-320).
 */
import {ErrorCode} from '../protocol/error-codes.js';
import type {PartitionLog} from '../storage/partition-log.js';

/**
 * The partition's leader epoch. kstream is a single node that never loses leadership, so the
 * epoch is the latest one the log recorded (Kafka's, for an adopted data dir) or 0.
 */
export function leaderEpochOf(log: PartitionLog): number {
  return Math.max(0, log.leaderEpoch);
}

/** NONE, or the error Kafka gives a client whose current leader epoch differs from ours. */
export function checkLeaderEpoch(requested: number, log: PartitionLog): number {
  if (requested < 0) return ErrorCode.NONE;
  const ours = leaderEpochOf(log);
  if (requested < ours) return ErrorCode.FENCED_LEADER_EPOCH;
  if (requested > ours) return ErrorCode.UNKNOWN_LEADER_EPOCH;
  return ErrorCode.NONE;
}
