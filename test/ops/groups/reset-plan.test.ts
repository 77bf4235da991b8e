import {describe, expect, it} from 'vitest';
import {planOffsetReset, PartitionState} from '../../../src/ops/groups/reset-plan.js';
import {parsePlanCsv, planToCsv} from '../../../src/ops/groups/plan-file.js';
import {assertInactive, parseTopicScope} from '../../../src/ops/groups/reset.js';

const parts: PartitionState[] = [
  {topic: 'orders', partition: 1, current: 50n, logStart: 10n, logEnd: 100n},
  {topic: 'orders', partition: 0, current: 5n, logStart: 20n, logEnd: 30n},
  {topic: 'audit', partition: 0, current: null, logStart: 0n, logEnd: 7n},
];

describe('planOffsetReset', () => {
  it('resets to earliest and latest, sorted by topic and partition, with lag before and after', () => {
    const plan = planOffsetReset('g', parts, {kind: 'earliest'});
    expect(plan.rows.map((r) => [r.topic, r.partition, r.currentOffset, r.newOffset, r.lagBefore, r.lagAfter])).toEqual([
      ['audit', 0, null, 0n, null, 7n],
      ['orders', 0, 5n, 20n, 25n, 10n],
      ['orders', 1, 50n, 10n, 50n, 90n],
    ]);
    expect(planOffsetReset('g', parts, {kind: 'latest'}).rows.map((r) => r.newOffset)).toEqual([7n, 30n, 100n]);
  });

  it('clamps explicit and shifted offsets to the log and flags it', () => {
    const plan = planOffsetReset('g', parts.slice(0, 2), {kind: 'offset', offset: 60n});
    expect(plan.rows.map((r) => [r.partition, r.newOffset, r.clamped])).toEqual([[0, 30n, 'log-end'], [1, 60n, null]]);
    const back = planOffsetReset('g', parts.slice(0, 2), {kind: 'shift', by: -45n});
    expect(back.rows.map((r) => [r.partition, r.newOffset, r.clamped])).toEqual([[0, 20n, 'log-start'], [1, 10n, 'log-start']]);
  });

  it('keeps the current offset, using the log end where there is none (as Kafka does)', () => {
    expect(planOffsetReset('g', parts, {kind: 'current'}).rows.map((r) => r.newOffset)).toEqual([7n, 20n, 50n]);
  });

  it('refuses to shift a partition without a committed offset', () => {
    expect(() => planOffsetReset('g', parts, {kind: 'shift', by: 1n})).toThrow(/no committed offset/);
  });

  it('uses offsets found by time, the log end where no record is that recent', () => {
    const offsets = new Map([['orders:0', 25n], ['orders:1', -1n]]);
    const plan = planOffsetReset('g', parts.slice(0, 2), {kind: 'time', description: 'datetime', offsets});
    expect(plan.rows.map((r) => r.newOffset)).toEqual([25n, 100n]);
  });

  it('takes explicit offsets only for the partitions they name', () => {
    const plan = planOffsetReset('g', parts, {kind: 'explicit', description: 'file', offsets: new Map([['orders:1', 70n]])});
    expect(plan.rows.map((r) => [r.topic, r.partition, r.newOffset])).toEqual([['orders', 1, 70n]]);
  });
});

describe('plan files', () => {
  it('round-trip through CSV in kafka-consumer-groups export format', () => {
    const plan = planOffsetReset('g', parts, {kind: 'earliest'});
    const csv = planToCsv(plan);
    expect(csv).toBe('audit,0,0\norders,0,20\norders,1,10\n');
    expect(parsePlanCsv(`topic,partition,offset\n${csv}`, 'p.csv')).toEqual(new Map([['audit:0', 0n], ['orders:0', 20n], ['orders:1', 10n]]));
  });

  it('name the line of a bad row', () => {
    expect(() => parsePlanCsv('orders,0,5\norders,x,5\n', 'plan.csv')).toThrow('plan.csv:2: partition is not a number');
    expect(() => parsePlanCsv('orders,0,5\n\norders,1\n', 'plan.csv')).toThrow('plan.csv:3: expected 3 fields, found 2');
    expect(() => parsePlanCsv('orders,0,-5\n', 'plan.csv')).toThrow('plan.csv:1: offset is not a non-negative number');
    expect(() => parsePlanCsv('orders,0,5\norders,0,6\n', 'plan.csv')).toThrow(/appears twice/);
    expect(() => parsePlanCsv('\n', 'plan.csv')).toThrow(/no offsets/);
  });
});

describe('reset guards and scope', () => {
  it('refuses while a group has members, naming them', () => {
    expect(() => assertInactive('g', 'Stable', [{memberId: 'c-1', clientHost: '/127.0.0.1', clientId: 'app'}])).toThrow(/group "g" is Stable with 1 active member\(s\): c-1 \(client app, host \/127.0.0.1\)/);
    expect(() => assertInactive('g', 'Empty', [])).not.toThrow();
  });

  it('parses --topic scopes', () => {
    expect(parseTopicScope('orders')).toEqual({topic: 'orders'});
    expect(parseTopicScope('orders:0,2')).toEqual({topic: 'orders', partitions: [0, 2]});
    expect(() => parseTopicScope('orders:a')).toThrow(/invalid --topic/);
  });
});
