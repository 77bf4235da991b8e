import {describe, expect, it} from 'vitest';
import {FetchSessionCache, FetchTarget} from '../../../src/broker/fetch/fetch-session.js';
import {ErrorCode} from '../../../src/protocol/error-codes.js';

const target = (topicKey: string, partition: number, fetchOffset = 0n): FetchTarget =>
  ({topicKey, partition, fetchOffset, maxBytes: 1024, currentLeaderEpoch: -1});
const outcome = (highWatermark: bigint, recordBytes = 0, errorCode = 0) =>
  ({errorCode, highWatermark, lastStableOffset: highWatermark, logStartOffset: 0n, recordBytes});

function cache(maxSlots = 10, now = () => 0) {
  return new FetchSessionCache({maxSlots, evictionMs: 1000, now});
}

describe('FetchSessionCache', () => {
  it('epoch -1 with session 0 is a sessionless full fetch', () => {
    const ctx = cache().newContext({sessionId: 0, sessionEpoch: -1, targets: [target('a', 0)], forgotten: []});
    expect(ctx).toMatchObject({kind: 'full', session: null});
  });

  it('epoch 0 opens a session; incremental requests keep and update its partitions', () => {
    const c = cache();
    const full = c.newContext({sessionId: 0, sessionEpoch: 0, targets: [target('a', 0), target('a', 1)], forgotten: []});
    if (full.kind !== 'full' || !full.session) throw new Error('expected a session');
    const session = full.session;
    expect(session.id).toBeGreaterThan(0);
    session.update('a', 0, outcome(5n));
    session.update('a', 1, outcome(7n));
    const inc = c.newContext({sessionId: session.id, sessionEpoch: 1, targets: [target('a', 1, 7n)], forgotten: []});
    if (inc.kind !== 'incremental') throw new Error('expected incremental');
    expect(inc.targets.map((t) => [t.partition, t.fetchOffset])).toEqual([[0, 0n], [1, 7n]]);
    // Unchanged partitions are left out of incremental responses; news is included.
    expect(session.update('a', 0, outcome(5n))).toBe(false);
    expect(session.update('a', 1, outcome(8n))).toBe(true);
    expect(session.update('a', 1, outcome(8n, 100))).toBe(true);
  });

  it('moves partitions that returned data to the end', () => {
    const c = cache();
    const full = c.newContext({sessionId: 0, sessionEpoch: 0, targets: [target('a', 0), target('a', 1)], forgotten: []});
    if (full.kind !== 'full' || !full.session) throw new Error('expected a session');
    full.session.update('a', 0, outcome(5n, 10));
    expect(full.session.targets().map((t) => t.partition)).toEqual([1, 0]);
  });

  it('forgets partitions', () => {
    const c = cache();
    const full = c.newContext({sessionId: 0, sessionEpoch: 0, targets: [target('a', 0), target('b', 0)], forgotten: []});
    if (full.kind !== 'full' || !full.session) throw new Error('expected a session');
    const inc = c.newContext({sessionId: full.session.id, sessionEpoch: 1, targets: [], forgotten: [{topicKey: 'a', partitions: [0]}]});
    expect(inc.kind === 'incremental' && inc.targets.map((t) => t.topicKey)).toEqual(['b']);
  });

  it('refuses unknown sessions and wrong epochs', () => {
    const c = cache();
    expect(c.newContext({sessionId: 42, sessionEpoch: 1, targets: [], forgotten: []}))
      .toEqual({kind: 'error', errorCode: ErrorCode.FETCH_SESSION_ID_NOT_FOUND});
    const full = c.newContext({sessionId: 0, sessionEpoch: 0, targets: [], forgotten: []});
    const id = full.kind === 'full' ? full.session!.id : -1;
    expect(c.newContext({sessionId: id, sessionEpoch: 5, targets: [], forgotten: []}))
      .toEqual({kind: 'error', errorCode: ErrorCode.INVALID_FETCH_SESSION_EPOCH});
    expect(c.newContext({sessionId: id, sessionEpoch: 1, targets: [], forgotten: []}).kind).toBe('incremental');
    expect(c.newContext({sessionId: id, sessionEpoch: 1, targets: [], forgotten: []}))
      .toEqual({kind: 'error', errorCode: ErrorCode.INVALID_FETCH_SESSION_EPOCH});
  });

  it('closes a session with epoch -1', () => {
    const c = cache();
    const full = c.newContext({sessionId: 0, sessionEpoch: 0, targets: [], forgotten: []});
    const id = full.kind === 'full' ? full.session!.id : -1;
    expect(c.newContext({sessionId: id, sessionEpoch: -1, targets: [], forgotten: []})).toMatchObject({kind: 'full', session: null});
    expect(c.size).toBe(0);
  });

  it('makes no session when full, evicting only idle ones', () => {
    let now = 0;
    const c = cache(1, () => now);
    const first = c.newContext({sessionId: 0, sessionEpoch: 0, targets: [], forgotten: []});
    expect(first.kind === 'full' && first.session).toBeTruthy();
    const second = c.newContext({sessionId: 0, sessionEpoch: 0, targets: [], forgotten: []});
    expect(second).toMatchObject({kind: 'full', session: null});
    now = 5000;
    const third = c.newContext({sessionId: 0, sessionEpoch: 0, targets: [], forgotten: []});
    expect(third.kind === 'full' && third.session).toBeTruthy();
    expect(c.size).toBe(1);
  });

  it('keeps resending a partition with an error', () => {
    const c = cache();
    const full = c.newContext({sessionId: 0, sessionEpoch: 0, targets: [target('a', 0)], forgotten: []});
    if (full.kind !== 'full' || !full.session) throw new Error('expected a session');
    expect(full.session.update('a', 0, outcome(-1n, 0, ErrorCode.OFFSET_OUT_OF_RANGE))).toBe(true);
    expect(full.session.update('a', 0, outcome(3n))).toBe(true);
  });
});
