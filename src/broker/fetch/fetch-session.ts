/**
 * Incremental fetch sessions (KIP-227), following Kafka's FetchSession.scala:
 * - epoch -1 (FINAL): sessionless full fetch; a named session is closed. Response id 0.
 * - epoch 0 (INITIAL): full fetch that opens a new session (closing a named old one); when the
 *   cache is full and nothing is evictable, no session is made and the response id is 0, which
 *   clients read as "keep sending full fetches".
 * - epoch > 0: incremental fetch of session `sessionId`: FETCH_SESSION_ID_NOT_FOUND for an
 *   unknown id, INVALID_FETCH_SESSION_EPOCH for an unexpected epoch. The request adds or
 *   updates partitions and removes forgotten ones; the response carries only partitions with
 *   news (records, an error, a changed high watermark / last stable / log start offset).
 */
import {ErrorCode} from '../../protocol/error-codes.js';

export const INVALID_SESSION_ID = 0;
export const INITIAL_EPOCH = 0;
export const FINAL_EPOCH = -1;

export interface FetchTarget {
  /** Name for v0-12, topic id for v13+: what identifies the topic on the wire. */
  topicKey: string;
  partition: number;
  fetchOffset: bigint;
  maxBytes: number;
  currentLeaderEpoch: number;
}

/** What the session remembers of the last response it sent for a partition. */
interface CachedPartition extends FetchTarget {
  highWatermark: bigint;
  lastStableOffset: bigint;
  logStartOffset: bigint;
}

export interface PartitionOutcome {
  errorCode: number;
  highWatermark: bigint;
  lastStableOffset: bigint;
  logStartOffset: bigint;
  recordBytes: number;
}

export class FetchSession {
  /** Insertion-ordered; partitions that returned data move to the end for fairness. */
  readonly partitions = new Map<string, CachedPartition>();
  /** The epoch the next incremental request must carry. */
  epoch = 1;
  lastUsedMs: number;

  constructor(readonly id: number, nowMs: number) {
    this.lastUsedMs = nowMs;
  }

  targets(): FetchTarget[] {
    return [...this.partitions.values()];
  }

  upsert(target: FetchTarget): void {
    const key = keyOf(target.topicKey, target.partition);
    const cached = this.partitions.get(key);
    if (cached) {
      cached.fetchOffset = target.fetchOffset;
      cached.maxBytes = target.maxBytes;
      cached.currentLeaderEpoch = target.currentLeaderEpoch;
    } else {
      this.partitions.set(key, {...target, highWatermark: -1n, lastStableOffset: -1n, logStartOffset: -1n});
    }
  }

  forget(topicKey: string, partition: number): void {
    this.partitions.delete(keyOf(topicKey, partition));
  }

  /**
   * Record what a response says about a partition; true when an incremental response must
   * include it (Kafka's CachedPartition.maybeUpdateResponseData).
   */
  update(topicKey: string, partition: number, outcome: PartitionOutcome): boolean {
    const key = keyOf(topicKey, partition);
    const cached = this.partitions.get(key);
    if (!cached) return true;
    let mustRespond = outcome.recordBytes > 0;
    if (cached.highWatermark !== outcome.highWatermark) {
      mustRespond = true;
      cached.highWatermark = outcome.highWatermark;
    }
    if (cached.logStartOffset !== outcome.logStartOffset) {
      mustRespond = true;
      cached.logStartOffset = outcome.logStartOffset;
    }
    if (outcome.lastStableOffset >= 0n && cached.lastStableOffset !== outcome.lastStableOffset) {
      mustRespond = true;
      cached.lastStableOffset = outcome.lastStableOffset;
    }
    if (outcome.errorCode !== ErrorCode.NONE) {
      // Resent once the error clears, because -1 never equals a real high watermark.
      mustRespond = true;
      cached.highWatermark = -1n;
    }
    if (outcome.recordBytes > 0) {
      this.partitions.delete(key);
      this.partitions.set(key, cached);
    }
    return mustRespond;
  }
}

export type FetchContext =
  | {kind: 'error'; errorCode: number}
  /** Full fetch: respond with every requested partition; `session` when one was created. */
  | {kind: 'full'; targets: FetchTarget[]; session: FetchSession | null}
  | {kind: 'incremental'; targets: FetchTarget[]; session: FetchSession};

export interface FetchSessionRequest {
  sessionId: number;
  sessionEpoch: number;
  targets: FetchTarget[];
  forgotten: {topicKey: string; partitions: number[]}[];
}

export class FetchSessionCache {
  private readonly sessions = new Map<number, FetchSession>();

  constructor(private readonly options: {maxSlots: number; evictionMs: number; now: () => number}) {}

  get size(): number {
    return this.sessions.size;
  }

  newContext(request: FetchSessionRequest): FetchContext {
    const now = this.options.now();
    if (request.sessionEpoch === FINAL_EPOCH || request.sessionEpoch === INITIAL_EPOCH) {
      if (request.sessionId !== INVALID_SESSION_ID) this.sessions.delete(request.sessionId);
      if (request.sessionEpoch === FINAL_EPOCH) return {kind: 'full', targets: request.targets, session: null};
      const session = this.create(now);
      if (session) for (const target of request.targets) session.upsert(target);
      return {kind: 'full', targets: request.targets, session};
    }
    const session = this.sessions.get(request.sessionId);
    if (!session) return {kind: 'error', errorCode: ErrorCode.FETCH_SESSION_ID_NOT_FOUND};
    if (session.epoch !== request.sessionEpoch) return {kind: 'error', errorCode: ErrorCode.INVALID_FETCH_SESSION_EPOCH};
    for (const f of request.forgotten) for (const p of f.partitions) session.forget(f.topicKey, p);
    for (const target of request.targets) session.upsert(target);
    session.epoch = nextEpoch(session.epoch);
    session.lastUsedMs = now;
    return {kind: 'incremental', targets: session.targets(), session};
  }

  private create(now: number): FetchSession | null {
    if (this.sessions.size >= this.options.maxSlots && !this.evictOne(now)) return null;
    let id: number;
    do {
      id = 1 + Math.floor(Math.random() * 0x7ffffffe);
    } while (this.sessions.has(id));
    const session = new FetchSession(id, now);
    this.sessions.set(id, session);
    return session;
  }

  /** Drop the least recently used session if it has been idle long enough. */
  private evictOne(now: number): boolean {
    let oldest: FetchSession | undefined;
    for (const s of this.sessions.values()) if (!oldest || s.lastUsedMs < oldest.lastUsedMs) oldest = s;
    if (!oldest || now - oldest.lastUsedMs < this.options.evictionMs) return false;
    this.sessions.delete(oldest.id);
    return true;
  }
}

function keyOf(topicKey: string, partition: number): string {
  return `${topicKey}\u0000${partition}`;
}

/** Epochs wrap from Int32 max to 1, never to 0 or -1 which have meanings. */
function nextEpoch(epoch: number): number {
  return epoch >= 0x7fffffff ? 1 : epoch + 1;
}
