/**
 * What an append answers (AppendResult), and a one-batch append prepared for a round of appends
 * whose file writes are made together (PreparedAppend, append-round.ts).
 */
import type {PartitionLog} from './partition-log.js';
import type {BatchMetadata, ProducerAppend} from './producer-state.js';
import type {AppendedBatch, LogSegment} from './segment.js';

export interface AppendResult {
  baseOffset: bigint;
  lastOffset: bigint;
  /** -1n unless the topic uses LogAppendTime. */
  logAppendTime: bigint;
  logStartOffset: bigint;
}

/** A one-batch append prepared by PartitionLog, its write still to be made (append-round.ts). */
export class PreparedAppend {
  /** Set by the round once the append is complete, or failed. */
  result: AppendResult | undefined;
  error: Error | undefined;

  constructor(
    readonly log: PartitionLog,
    readonly batch: Buffer,
    readonly segment: LogSegment,
    /** Where the batch goes in the segment's log file, */
    readonly start: number,
    /** and that file's descriptor when the write is to be made apart (-1 otherwise). */
    readonly fd: number,
    readonly base: bigint,
    readonly batches: AppendedBatch[],
    readonly records: number,
    readonly producers: ProducerAppend | undefined,
  ) {}
}

/** The answer to a duplicate of an idempotent producer's batch: the original's offsets, nothing appended (Kafka's). */
export function duplicateResult(batch: BatchMetadata, logStartOffset: bigint): AppendResult {
  return {baseOffset: batch.lastOffset - BigInt(batch.offsetDelta), lastOffset: batch.lastOffset, logAppendTime: batch.timestamp, logStartOffset};
}
