import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {oneLine} from '../../src/broker/log-line.js';
import {ApiKey} from '../../src/protocol/api.js';
import {ErrorCode} from '../../src/protocol/error-codes.js';
import {startTestBroker, type TestBroker} from './helpers/broker.js';
import {findCoordinator} from './helpers/coordinator.js';
import {WireClient} from './helpers/wire-client.js';

describe('oneLine', () => {
  it('escapes line breaks, terminal escapes and other control characters, and keeps the rest', () => {
    expect(oneLine('plain line with\ttab and ünïcödé')).toBe('plain line with\ttab and ünïcödé');
    expect(oneLine('a\nb\rc')).toBe('a\\nb\\rc');
    expect(oneLine('\x1b[31mred\x00\x7f\x85')).toBe('\\x1b[31mred\\x00\\x7f\\x85');
    expect(oneLine('x\u2028y\u2029z')).toBe('x\\u2028y\\u2029z');
  });
});

// Found by test/broker/fuzz.test.ts: a JoinGroup whose group id had a flipped byte 0x0d (CR) made
// the coordinator's "Preparing to rebalance group ..." line break in two.
describe('broker log', () => {
  let tb: TestBroker;
  beforeAll(async () => {
    tb = await startTestBroker({'group.initial.rebalance.delay.ms': '0'});
  });
  afterAll(async () => tb.cleanup());

  it('keeps a group id with line breaks on one log line per event', async () => {
    const groupId = 'evil\r\n[kstream broker] forged line';
    const wire = await WireClient.connect(tb.broker.port);
    await findCoordinator(wire, groupId);
    const before = tb.logLines.length;
    const res = await wire.request(ApiKey.JoinGroup, 1, {groupId, sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000,
      memberId: '', protocolType: 'consumer', protocols: [{name: 'range', metadata: Buffer.alloc(0)}]});
    expect(res.errorCode).toBe(ErrorCode.NONE);
    wire.close();
    const lines = tb.logLines.slice(before);
    expect(lines.some((l) => l.startsWith('Preparing to rebalance group evil\\r\\n[kstream broker] forged line'))).toBe(true);
    expect(lines.filter((l) => /[\r\n]/.test(l))).toEqual([]);
  });
});
