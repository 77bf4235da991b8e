/**
 * Burrow's status rules (core/internal/evaluator/caching.go), one small pure function each,
 * adapted to what a poller can see. Burrow stores every commit with its commit time; kstream
 * samples committed offsets every refresh, so its window holds samples, not commits, and it
 * sees group membership directly. The rules, in the order they are tried:
 *
 *  1. OK     the lag was zero at any sample of the window, or the consumer caught up within
 *            one interval: at some sample its offset reached the log end of the sample before.
 *            (Burrow's "lag was zero at some commit"; a poller rarely lands on the instant a
 *            keeping-up consumer is at zero, but it always sees it reach the previous end.)
 *  2. REWIND the committed offset went down between two samples (a reset or a replay).
 *  3. STOP   lag > 0 and no live member is assigned the partition: nobody is consuming it.
 *            (Burrow infers this from commits older than the window; membership is direct and
 *            works from a single sample.)
 *  4. STALL  lag > 0, a member owns the partition, and the committed offset did not move over
 *            a window of at least two samples spanning STALL_MIN_MS: the consumer is alive but
 *            stuck. (Java consumers commit every 5 s by default, so a shorter flat window proves
 *            nothing.)
 *  5. WARN   the offset moves but the lag never went down between samples and grew overall:
 *            the consumer is slower than the producers. (Burrow also warns on flat lag; a poller
 *            often catches a keeping-up consumer mid-batch, so kstream needs the lag to grow.)
 *
 * Anything else is OK. A group is ERR when any partition is STOP, STALL or REWIND, WARN when any
 * is WARN, else OK (Burrow's group rule).
 */
import type {GroupStatus, PartitionStatus} from './types.js';

/** One sample of a group's partition: committed offset and lag at a time. */
export interface OffsetSample {
  atMs: number;
  offset: bigint;
  lag: bigint;
}

/** Shortest window over which an unmoving offset counts as stalled: twice Java's auto-commit interval. */
export const STALL_MIN_MS = 10_000;

/** Rule 1: lag zero at any sample, or the offset reached the previous sample's log end. */
export function keptUp(samples: OffsetSample[]): boolean {
  if (samples.some((s) => s.lag === 0n)) return true;
  for (let i = 1; i < samples.length; i++) if (samples[i].offset >= samples[i - 1].offset + samples[i - 1].lag) return true;
  return false;
}

/** Rule 2: the offset decreased between consecutive samples. */
export function offsetsRewound(samples: OffsetSample[]): boolean {
  for (let i = 1; i < samples.length; i++) if (samples[i].offset < samples[i - 1].offset) return true;
  return false;
}

/** Rule 3: nobody owns the partition while it has lag. */
export function consumerStopped(owned: boolean): boolean {
  return !owned;
}

/** Rule 4: the offset never changed over at least two samples spanning `minMs`. */
export function offsetsStalled(samples: OffsetSample[], minMs = STALL_MIN_MS): boolean {
  if (samples.length < 2 || samples[samples.length - 1].atMs - samples[0].atMs < minMs) return false;
  return samples.every((s) => s.offset === samples[0].offset);
}

/** Rule 5: at least two samples, the lag never decreased and ended higher than it started. */
export function lagGrowing(samples: OffsetSample[]): boolean {
  if (samples.length < 2) return false;
  for (let i = 1; i < samples.length; i++) if (samples[i].lag < samples[i - 1].lag) return false;
  return samples[samples.length - 1].lag > samples[0].lag;
}

/** A partition's status from its window (oldest first) and whether a live member owns it. */
export function partitionStatus(samples: OffsetSample[], owned: boolean, stallMinMs = STALL_MIN_MS): PartitionStatus {
  if (samples.length === 0 || keptUp(samples)) return 'OK';
  if (offsetsRewound(samples)) return 'REWIND';
  if (consumerStopped(owned)) return 'STOP';
  if (offsetsStalled(samples, stallMinMs)) return 'STALL';
  if (lagGrowing(samples)) return 'WARN';
  return 'OK';
}

export function groupStatus(statuses: PartitionStatus[]): GroupStatus {
  if (statuses.some((s) => s === 'STOP' || s === 'STALL' || s === 'REWIND')) return 'ERR';
  return statuses.includes('WARN') ? 'WARN' : 'OK';
}
