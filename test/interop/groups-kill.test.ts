/**
 * Groups and committed offsets survive `kill -9` of the broker: a child `kstream broker start`
 * acknowledges a group's assignment and offset commits, is SIGKILLed, and a broker started on
 * the same data dir reports the same group and offsets.
 */
import {mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {startBroker} from '../../src/index.js';
import {ApiKey} from '../../src/protocol/api.js';
import {findCoordinator} from '../broker/helpers/coordinator.js';
import {WireClient} from '../broker/helpers/wire-client.js';
import {startBrokerChild} from './broker-process.js';
import {subscription} from '../broker/groups/helpers.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'kstream-groups-kill-'));
afterAll(() => rmSync(dir, {recursive: true, force: true}));

describe('kill -9', () => {
  it('keeps acknowledged group metadata and offset commits', async () => {
    const crashing = await startBrokerChild(dir, ['--set', 'group.initial.rebalance.delay.ms=0', '--set', 'num.partitions=2']);
    try {
      const wire = await WireClient.connect(crashing.port);
      await wire.request(ApiKey.CreateTopics, 4, {topics: [{name: 't', numPartitions: 2, replicationFactor: 1, assignments: [], configs: []}], timeoutMs: 5000, validateOnly: false});
      const body = {groupId: 'survivor', sessionTimeoutMs: 30_000, rebalanceTimeoutMs: 30_000, groupInstanceId: null, protocolType: 'consumer',
        protocols: [{name: 'range', metadata: subscription(['t'])}]};
      await findCoordinator(wire, 'survivor');
      const first = await wire.request(ApiKey.JoinGroup, 5, {...body, memberId: ''});
      const joined = await wire.request(ApiKey.JoinGroup, 5, {...body, memberId: first.memberId});
      expect(joined.errorCode).toBe(0);
      const sync = await wire.request(ApiKey.SyncGroup, 3, {groupId: 'survivor', generationId: 1, memberId: first.memberId, groupInstanceId: null,
        assignments: [{memberId: first.memberId, assignment: Buffer.from('both partitions')}]});
      expect(sync.errorCode).toBe(0);
      const commit = await wire.request(ApiKey.OffsetCommit, 7, {groupId: 'survivor', generationIdOrMemberEpoch: 1, memberId: first.memberId,
        groupInstanceId: null, topics: [{name: 't', partitions: [
          {partitionIndex: 0, committedOffset: 11n, committedLeaderEpoch: -1, committedMetadata: 'a'},
          {partitionIndex: 1, committedOffset: 22n, committedLeaderEpoch: -1, committedMetadata: 'b'}]}]});
      expect(commit.topics[0].partitions.map((p: {errorCode: number}) => p.errorCode)).toEqual([0, 0]);
      wire.close();
    } finally {
      await crashing.kill();
    }

    const broker = await startBroker({dataDir: dir, port: 0, log: () => undefined});
    const wire = await WireClient.connect(broker.port);
    try {
      const fetched = await wire.request(ApiKey.OffsetFetch, 6, {groupId: 'survivor', topics: null, requireStable: false});
      expect(fetched.topics[0].partitions.map((p: {committedOffset: bigint; metadata: string}) => [p.committedOffset, p.metadata]))
        .toEqual([[11n, 'a'], [22n, 'b']]);
      const described = await wire.request(ApiKey.DescribeGroups, 4, {groups: ['survivor'], includeAuthorizedOperations: false});
      expect(described.groups[0]).toMatchObject({groupState: 'Stable', protocolData: 'range'});
      expect(described.groups[0].members[0].memberAssignment.toString()).toBe('both partitions');
    } finally {
      wire.close();
      await broker.stop();
    }
  });
});
