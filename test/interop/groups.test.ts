/**
 * kafkajs 2.2.4 consumer groups against the embedded broker: 3 members share 6 partitions
 * without overlap (roundrobin and a range assigner), rebalance when a member joins or leaves or
 * stops heartbeating, commit offsets, and a new member resumes from them after a restart.
 */
import {AssignerProtocol, type Assigner, type Consumer, Kafka, logLevel} from 'kafkajs';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ApiKey} from '../../src/protocol/api.js';
import {startTestBroker, type TestBroker} from '../broker/helpers/broker.js';
import {WireClient} from '../broker/helpers/wire-client.js';

const TOPIC = 'shared';
const PARTITIONS = 6;
const PER_PARTITION = 5;

let tb: TestBroker;
const kafka = () => new Kafka({clientId: 'groups-test', brokers: [`127.0.0.1:${tb.broker.port}`], logLevel: logLevel.NOTHING, retry: {retries: 5}});

/** A client-side range assigner (kafkajs ships only roundrobin): contiguous partition ranges per member. */
const RangeAssigner: Assigner = (({cluster}: {cluster: any}) => ({
  name: 'range',
  version: 0,
  async assign({members, topics}: {members: {memberId: string}[]; topics: string[]}) {
    const sorted = members.map((m) => m.memberId).sort();
    const plan = new Map<string, Record<string, number[]>>(sorted.map((id) => [id, {}]));
    for (const topic of topics) {
      const partitions = cluster.findTopicPartitionMetadata(topic).map((p: {partitionId: number}) => p.partitionId).sort((a: number, b: number) => a - b);
      const per = Math.floor(partitions.length / sorted.length);
      const extra = partitions.length % sorted.length;
      let at = 0;
      sorted.forEach((id, i) => {
        const n = per + (i < extra ? 1 : 0);
        plan.get(id)![topic] = partitions.slice(at, at + n);
        at += n;
      });
    }
    return sorted.map((memberId) => ({memberId, memberAssignment: AssignerProtocol.MemberAssignment.encode({version: 0, assignment: plan.get(memberId)!, userData: Buffer.alloc(0)})}));
  },
  protocol({topics}: {topics: string[]}) {
    return {name: 'range', metadata: AssignerProtocol.MemberMetadata.encode({version: 0, topics, userData: Buffer.alloc(0)})};
  },
})) as unknown as Assigner;

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The group's members and their assigned partitions of TOPIC, once Stable with `size` members. */
async function stableAssignment(groupId: string, size: number): Promise<number[][]> {
  const admin = kafka().admin();
  await admin.connect();
  try {
    return await waitFor(`group ${groupId} stable with ${size} members`, async () => {
      const {groups} = await admin.describeGroups([groupId]);
      const g = groups[0];
      if (g.state !== 'Stable' || g.members.length !== size) return undefined;
      return g.members.map((m) => {
        const decoded = AssignerProtocol.MemberAssignment.decode(m.memberAssignment);
        return [...(decoded?.assignment[TOPIC] ?? [])].sort((a, b) => a - b);
      });
    });
  } finally {
    await admin.disconnect();
  }
}

function expectPartitioned(assignments: number[][]): void {
  const all = assignments.flat().sort((a, b) => a - b);
  expect(all).toEqual([...Array(PARTITIONS).keys()]);
  for (const a of assignments) expect(a.length).toBeGreaterThan(0);
}

async function startConsumer(groupId: string, seen: Map<string, number>, assigners?: Assigner[]): Promise<Consumer> {
  const consumer = kafka().consumer({groupId, sessionTimeout: 6000, heartbeatInterval: 300, rebalanceTimeout: 10_000, maxWaitTimeInMs: 500,
    ...(assigners ? {partitionAssigners: assigners} : {})});
  await consumer.connect();
  await consumer.subscribe({topic: TOPIC, fromBeginning: true});
  await consumer.run({eachMessage: async ({partition, message}) => {
    const key = `${partition}:${message.offset}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }});
  return consumer;
}

beforeAll(async () => {
  tb = await startTestBroker({'group.initial.rebalance.delay.ms': '0'});
  const admin = kafka().admin();
  await admin.connect();
  await admin.createTopics({topics: [{topic: TOPIC, numPartitions: PARTITIONS}]});
  await admin.disconnect();
  const producer = kafka().producer();
  await producer.connect();
  for (let p = 0; p < PARTITIONS; p++) {
    await producer.send({topic: TOPIC, messages: Array.from({length: PER_PARTITION}, (_, i) => ({partition: p, value: `m${p}-${i}`}))});
  }
  await producer.disconnect();
});
afterAll(async () => tb?.cleanup());

describe('kafkajs consumer groups', () => {
  for (const [name, assigners] of [['roundrobin', undefined], ['range', [RangeAssigner]]] as const) {
    it(`shares 6 partitions among 3 members without overlap (${name}), rebalancing on join and leave`, async () => {
      const groupId = `g-${name}`;
      const seen = new Map<string, number>();
      const consumers = [await startConsumer(groupId, seen, assigners as Assigner[] | undefined)];
      expectPartitioned(await stableAssignment(groupId, 1));
      consumers.push(await startConsumer(groupId, seen, assigners as Assigner[] | undefined));
      consumers.push(await startConsumer(groupId, seen, assigners as Assigner[] | undefined));
      const three = await stableAssignment(groupId, 3);
      expectPartitioned(three);
      expect(three.map((a) => a.length)).toEqual([2, 2, 2]);
      await waitFor('all records consumed', async () => (seen.size === PARTITIONS * PER_PARTITION ? true : undefined));

      await consumers.pop()!.disconnect(); // LeaveGroup
      expectPartitioned(await stableAssignment(groupId, 2));
      for (const c of consumers) await c.disconnect();

      const admin = kafka().admin();
      await admin.connect();
      const offsets = await admin.fetchOffsets({groupId, topics: [TOPIC]});
      const {groups} = await admin.describeGroups([groupId]);
      await admin.disconnect();
      expect(offsets[0].partitions.map((p) => Number(p.offset))).toEqual(Array(PARTITIONS).fill(PER_PARTITION));
      expect(groups[0].state).toBe('Empty');
    });
  }

  it('removes a member that stops heartbeating and rebalances the others', async () => {
    const groupId = 'g-silent';
    const seen = new Map<string, number>();
    const consumer = await startConsumer(groupId, seen);
    await stableAssignment(groupId, 1);
    // A raw member joins and syncs but never heartbeats.
    const wire = await WireClient.connect(tb.broker.port);
    try {
      const metadata = AssignerProtocol.MemberMetadata.encode({version: 0, topics: [TOPIC], userData: Buffer.alloc(0)});
      const join = (memberId: string) => wire.request(ApiKey.JoinGroup, 5, {groupId, sessionTimeoutMs: 6000, rebalanceTimeoutMs: 10_000,
        memberId, groupInstanceId: null, protocolType: 'consumer', protocols: [{name: 'RoundRobinAssigner', metadata}]});
      const first = await join('');
      expect(first.errorCode).toBe(79); // MEMBER_ID_REQUIRED
      const joined = await join(first.memberId);
      expect(joined.errorCode).toBe(0);
      const sync = await wire.request(ApiKey.SyncGroup, 3, {groupId, generationId: joined.generationId, memberId: first.memberId,
        groupInstanceId: null, assignments: []});
      expect(sync.errorCode).toBe(0);
      expectPartitioned(await stableAssignment(groupId, 2));
      // After its 6s session the silent member is gone and the kafkajs member owns everything again.
      const alone = await stableAssignment(groupId, 1);
      expect(alone[0]).toEqual([...Array(PARTITIONS).keys()]);
    } finally {
      wire.close();
      await consumer.disconnect();
    }
  });

  it('keeps committed offsets across a broker restart: a new member resumes from them', async () => {
    const groupId = 'g-restart';
    const seen = new Map<string, number>();
    const consumer = await startConsumer(groupId, seen);
    await waitFor('first pass consumed', async () => (seen.size === PARTITIONS * PER_PARTITION ? true : undefined));
    await consumer.disconnect(); // commits on the way out
    await tb.restart();

    const producer = kafka().producer();
    await producer.connect();
    await producer.send({topic: TOPIC, messages: Array.from({length: PARTITIONS}, (_, p) => ({partition: p, value: `after-${p}`}))});
    await producer.disconnect();
    const after = new Map<string, number>();
    const resumed = await startConsumer(groupId, after);
    await waitFor('records produced after the restart', async () => (after.size === PARTITIONS ? true : undefined));
    await resumed.disconnect();
    // Only the new records: every partition resumed at its committed offset.
    expect([...after.keys()].sort()).toEqual([...Array(PARTITIONS).keys()].map((p) => `${p}:${PER_PARTITION}`).sort());
  });
});
