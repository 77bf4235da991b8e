/**
 * Idempotent-producer state of one partition (Kafka's ProducerStateManager, ProducerStateEntry and
 * ProducerAppendInfo for client appends; transactions are not built). Per producer id: its epoch
 * and the metadata of its last 5 batches. An append of batches with a producer id is checked here
 * before it is written, in append order under the log's lock:
 * - an epoch older than the known one: INVALID_PRODUCER_EPOCH (Kafka 2.7+ answers this, not
 *   PRODUCER_FENCED, to a Produce);
 * - a batch equal (same epoch, first and last sequence) to one of the last 5: a duplicate,
 *   answered with that batch's offsets and not written again;
 * - a new epoch must start at sequence 0; in the same epoch the first sequence must follow the
 *   last one (wrapping after 2^31-1); else OUT_OF_ORDER_SEQUENCE_NUMBER;
 * - an unknown producer id is accepted at any sequence (KIP-360, Kafka 2.5+).
 * removeExpiredProducers() forgets producers idle for producer.id.expiration.ms, so a later
 * retry from one of them is taken as from an unknown producer.
 * check() changes nothing: the caller commits the result only once the write succeeded, so a
 * failed write leaves the state as it was.
 */
import {OFFSET_BASE_SEQUENCE, OFFSET_LAST_OFFSET_DELTA, OFFSET_MAX_TIMESTAMP, OFFSET_PRODUCER_EPOCH, OFFSET_PRODUCER_ID} from '../records/batch-header.js';
import {ErrorCode} from '../protocol/error-codes.js';
import {StorageError} from './errors.js';

/** Kafka's ProducerStateEntry.NUM_BATCHES_TO_RETAIN (the producer's max.in.flight.requests.per.connection limit). */
export const NUM_BATCHES_TO_RETAIN = 5;
const MAX_SEQUENCE = 0x7fffffff;

export interface BatchMetadata {
  firstSeq: number;
  lastSeq: number;
  lastOffset: bigint;
  /** lastOffset - firstOffset. */
  offsetDelta: number;
  /** The batch's max timestamp. */
  timestamp: bigint;
}

export interface ProducerEntry {
  producerId: bigint;
  epoch: number;
  /** Oldest first, at most NUM_BATCHES_TO_RETAIN. */
  batches: BatchMetadata[];
  /** Timestamp of the last batch (kept when a snapshot entry has no batch). */
  lastTimestamp: bigint;
  coordinatorEpoch: number;
  currentTxnFirstOffset: bigint;
}

/** One batch of an append, checked and waiting to be committed. */
export interface ProducerBatchUpdate {
  producerId: bigint;
  epoch: number;
  batch: BatchMetadata;
}

/** What check() found: a duplicate to answer with, or the updates to commit after the write. */
export interface ProducerAppend {
  duplicate: BatchMetadata | undefined;
  updates: ProducerBatchUpdate[];
}

export class OutOfOrderSequenceError extends StorageError {
  constructor(message: string) {
    super(message, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    this.name = 'OutOfOrderSequenceError';
  }
}

export class InvalidProducerEpochError extends StorageError {
  constructor(message: string) {
    super(message, ErrorCode.INVALID_PRODUCER_EPOCH);
    this.name = 'InvalidProducerEpochError';
  }
}

/** Kafka's DefaultRecordBatch.incrementSequence. */
export function incrementSequence(sequence: number, increment: number): number {
  if (sequence > MAX_SEQUENCE - increment) return increment - (MAX_SEQUENCE - sequence) - 1;
  return sequence + increment;
}

/** Kafka's DefaultRecordBatch.decrementSequence. */
export function decrementSequence(sequence: number, decrement: number): number {
  if (sequence < decrement) return MAX_SEQUENCE - (decrement - sequence) + 1;
  return sequence - decrement;
}

function inSequence(lastSeq: number, nextSeq: number): boolean {
  return nextSeq === lastSeq + 1 || (nextSeq === 0 && lastSeq === MAX_SEQUENCE);
}

/** Whether the batch at `position` carries a producer id: one field read, for the hot path. */
export function hasProducerId(buf: Buffer, position: number): boolean {
  // producerId < 0 (NO_PRODUCER_ID is -1) exactly when its high 32 bits are negative.
  return buf.readInt32BE(position + OFFSET_PRODUCER_ID) >= 0;
}

/** What a partition without producer ids has: no Map of its own (an empty one is ~190 bytes, and most partitions never see one). */
const NO_PRODUCERS: ReadonlyMap<bigint, ProducerEntry> = new Map();

export class ProducerStateManager {
  private byId: Map<bigint, ProducerEntry> | undefined;

  constructor(private readonly topicPartition: string) {}

  /** The entries by producer id. */
  get producers(): ReadonlyMap<bigint, ProducerEntry> {
    return this.byId ?? NO_PRODUCERS;
  }

  get isEmpty(): boolean {
    return this.producers.size === 0;
  }

  /**
   * Check the batch at `position` (offsets already assigned: it ends at `lastOffset`), with
   * `pending` the updates of earlier batches of the same append. Throws on a sequence or epoch
   * error; returns the duplicate's metadata, or the update to commit.
   */
  checkBatch(buf: Buffer, position: number, lastOffset: bigint, pending?: ProducerBatchUpdate[]): BatchMetadata | ProducerBatchUpdate {
    const producerId = buf.readBigInt64BE(position + OFFSET_PRODUCER_ID);
    const epoch = buf.readInt16BE(position + OFFSET_PRODUCER_EPOCH);
    const firstSeq = buf.readInt32BE(position + OFFSET_BASE_SEQUENCE);
    const offsetDelta = buf.readInt32BE(position + OFFSET_LAST_OFFSET_DELTA);
    const lastSeq = incrementSequence(firstSeq, offsetDelta);
    const current = this.producers.get(producerId);
    if (current && current.epoch === epoch) {
      for (const b of current.batches) if (b.firstSeq === firstSeq && b.lastSeq === lastSeq) return b;
    }
    const offset = lastOffset - BigInt(offsetDelta);
    // The latest known state of this producer: an earlier batch of this append, or the committed one.
    let knownEpoch = current ? current.epoch : -1;
    let knownLastSeq = current && current.batches.length > 0 ? current.batches[current.batches.length - 1].lastSeq : -1;
    if (pending) {
      for (const u of pending) {
        if (u.producerId === producerId) [knownEpoch, knownLastSeq] = [u.epoch, u.batch.lastSeq];
      }
    }
    if (epoch < knownEpoch) {
      throw new InvalidProducerEpochError(`Epoch of producer ${producerId} at offset ${offset} in ${this.topicPartition} is ${epoch}, which is smaller than the last seen epoch ${knownEpoch}`);
    }
    if (epoch !== knownEpoch) {
      if (firstSeq !== 0 && knownEpoch !== -1) {
        throw new OutOfOrderSequenceError(`Invalid sequence number for new epoch of producer ${producerId} at offset ${offset} in partition ${this.topicPartition}: ${epoch} (request epoch), ${firstSeq} (seq. number), ${knownEpoch} (current producer epoch)`);
      }
    } else if (knownEpoch !== -1 && !inSequence(knownLastSeq, firstSeq)) {
      throw new OutOfOrderSequenceError(`Out of order sequence number for producer ${producerId} at offset ${offset} in partition ${this.topicPartition}: ${firstSeq} (incoming seq. number), ${knownLastSeq} (current end sequence number)`);
    }
    const timestamp = buf.readBigInt64BE(position + OFFSET_MAX_TIMESTAMP);
    return {producerId, epoch, batch: {firstSeq, lastSeq, lastOffset, offsetDelta, timestamp}};
  }

  /**
   * check() of every batch with a producer id among `batches` (positions and last offsets as
   * assigned); undefined when none has one. As Kafka, a duplicate batch answers for the append.
   */
  check(buf: Buffer, batches: ReadonlyArray<{position: number; lastOffset: bigint}>): ProducerAppend | undefined {
    let updates: ProducerBatchUpdate[] | undefined;
    for (const b of batches) {
      if (!hasProducerId(buf, b.position)) continue;
      const r = this.checkBatch(buf, b.position, b.lastOffset, updates);
      if (!('producerId' in r)) return {duplicate: r, updates: []};
      (updates ??= []).push(r);
    }
    return updates ? {duplicate: undefined, updates} : undefined;
  }

  /** Record appended batches (after the write succeeded). */
  commit(updates: readonly ProducerBatchUpdate[]): void {
    for (const u of updates) this.update(u.producerId, u.epoch, u.batch);
  }

  /** Record one batch: a new epoch forgets the old epoch's batches, as Kafka's maybeUpdateProducerEpoch. */
  update(producerId: bigint, epoch: number, batch: BatchMetadata): void {
    let entry = this.producers.get(producerId);
    if (!entry) {
      entry = {producerId, epoch, batches: [], lastTimestamp: batch.timestamp, coordinatorEpoch: -1, currentTxnFirstOffset: -1n};
      (this.byId ??= new Map()).set(producerId, entry);
    } else if (entry.epoch !== epoch) {
      entry.epoch = epoch;
      entry.batches = [];
    }
    entry.batches.push(batch);
    if (entry.batches.length > NUM_BATCHES_TO_RETAIN) entry.batches.shift();
    entry.lastTimestamp = batch.timestamp;
  }

  /**
   * Kafka's removeExpiredProducers: forget producers without an open transaction whose last
   * batch's max timestamp (the client's clock under CreateTime, as in Kafka) is `expirationMs` or
   * more before `nowMs`. Returns how many were removed.
   */
  removeExpiredProducers(nowMs: number, expirationMs: number): number {
    const cutoff = BigInt(nowMs) - BigInt(expirationMs);
    let removed = 0;
    for (const [id, e] of this.producers) {
      if (e.currentTxnFirstOffset < 0n && e.lastTimestamp <= cutoff) {
        this.byId!.delete(id);
        removed++;
      }
    }
    return removed;
  }

  /** Every producer entry (for a snapshot). */
  entries(): ProducerEntry[] {
    return [...this.producers.values()];
  }

  /** Replace the state by `entries` (loaded from a snapshot). */
  reset(entries: ProducerEntry[] = []): void {
    this.byId = entries.length > 0 ? new Map(entries.map((e) => [e.producerId, e])) : undefined;
  }
}
