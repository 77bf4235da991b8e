/**
 * The group half of a refresh: coordinators (FindCoordinator, batched from v4, cached across
 * refreshes, asked again after a short backoff for groups whose coordinator is not ready), then
 * one DescribeGroups and one OffsetFetch per coordinator for all its groups
 * (OffsetFetch v8+ takes many groups; older brokers get one OffsetFetch per group).
 */
import type {ClusterClient} from '../../client/cluster-client.js';
import {KafkaProtocolError} from '../../client/cluster-client.js';
import {COORDINATOR_NOT_READY, retryCoordinator} from '../../client/coordinator-retry.js';
import {decodeAssignment} from '../../client/groups.js';
import {ApiKey} from '../../protocol/generated/api-keys.js';
import {ErrorCode} from '../../protocol/error-codes.js';
import {BOOTSTRAP_NODE, RequestCounter} from './requests.js';
import type {RawGroup} from './types.js';
import {partitionKey} from './window.js';

/** Group ids of consumer groups (and offset-only groups, whose protocol type is empty). */
export async function listGroupIds(cluster: ClusterClient, counter: RequestCounter): Promise<string[]> {
  const ids = new Set<string>();
  await Promise.all(cluster.brokerList.map(async (b) => {
    const client = await cluster.broker(b.nodeId);
    // A broker whose coordinator is still loading could leave groups out: ask it again.
    const response = await retryCoordinator(async () => {
      const r = await counter.send(client, b.nodeId, ApiKey.ListGroups, {statesFilter: [], typesFilter: []});
      if (r.errorCode !== 0) throw new KafkaProtocolError(r.errorCode, `listing groups on broker ${b.nodeId}`);
      return r;
    }, cluster.conn.timeoutSeconds * 1000);
    for (const g of response.groups) if (g.protocolType === 'consumer' || g.protocolType === '') ids.add(g.groupId);
  }));
  return [...ids].sort();
}

/** Fill `cache` (group id -> coordinator node id) for the groups not in it. */
export async function findCoordinators(cluster: ClusterClient, counter: RequestCounter, groupIds: string[], cache: Map<string, number>): Promise<void> {
  const client = cluster.any;
  // Groups found are cached at once, so a retry asks only for the others.
  const record = (groupId: string, c: {errorCode: number; nodeId: number; errorMessage?: string | null}) => {
    if (c.errorCode !== 0) throw new KafkaProtocolError(c.errorCode, `finding the coordinator of group "${groupId}"`, c.errorMessage);
    cache.set(groupId, c.nodeId);
  };
  await retryCoordinator(async () => {
    const missing = groupIds.filter((g) => !cache.has(g));
    if (missing.length === 0) return;
    if ((client.version(ApiKey.FindCoordinator) ?? 0) >= 4) {
      const response = await counter.send(client, BOOTSTRAP_NODE, ApiKey.FindCoordinator, {keyType: 0, coordinatorKeys: missing});
      let failed: KafkaProtocolError | undefined;
      for (const c of response.coordinators) {
        try {
          record(c.key, c);
        } catch (err) {
          // An error that is not retried is the one to report.
          if (!failed || COORDINATOR_NOT_READY.has(failed.errorCode)) failed = err as KafkaProtocolError;
        }
      }
      if (failed) throw failed;
      return;
    }
    for (const groupId of missing) record(groupId, await counter.send(client, BOOTSTRAP_NODE, ApiKey.FindCoordinator, {key: groupId, keyType: 0}));
  }, cluster.conn.timeoutSeconds * 1000);
}

function committedOf(topics: Array<{name: string; partitions: Array<{partitionIndex: number; committedOffset: bigint; errorCode: number}>}>): Map<string, bigint> {
  const committed = new Map<string, bigint>();
  for (const t of topics) {
    for (const p of t.partitions) if (p.errorCode === 0 && p.committedOffset >= 0n) committed.set(partitionKey(t.name, p.partitionIndex), p.committedOffset);
  }
  return committed;
}

/** Errors that mean the cached coordinator is stale: forget it so the next refresh asks again. */
const MOVED = new Set<number>([ErrorCode.NOT_COORDINATOR, ErrorCode.COORDINATOR_NOT_AVAILABLE]);

/** Describe and fetch the offsets of the groups one coordinator owns: two requests (v8+). */
export async function fetchCoordinatorGroups(cluster: ClusterClient, counter: RequestCounter, nodeId: number, groupIds: string[], cache: Map<string, number>): Promise<RawGroup[]> {
  const client = await cluster.broker(nodeId);
  const fail = (code: number, what: string) => {
    if (MOVED.has(code)) for (const g of groupIds) cache.delete(g);
    return new KafkaProtocolError(code, what);
  };
  const offsetFetchVersion = client.version(ApiKey.OffsetFetch) ?? 0;
  const offsets = async (): Promise<Map<string, Map<string, bigint>>> => {
    const out = new Map<string, Map<string, bigint>>();
    if (offsetFetchVersion >= 8) {
      const response = await counter.send(client, nodeId, ApiKey.OffsetFetch, {groups: groupIds.map((groupId) => ({groupId, topics: null})), requireStable: false});
      for (const g of response.groups) {
        if (g.errorCode !== 0) throw fail(g.errorCode, `fetching the offsets of group "${g.groupId}"`);
        out.set(g.groupId, committedOf(g.topics));
      }
      return out;
    }
    for (const groupId of groupIds) {
      const response = await counter.send(client, nodeId, ApiKey.OffsetFetch, {groupId, topics: null, requireStable: false});
      if ((response.errorCode ?? 0) !== 0) throw fail(response.errorCode, `fetching the offsets of group "${groupId}"`);
      out.set(groupId, committedOf(response.topics));
    }
    return out;
  };
  const [described, committed] = await Promise.all([
    counter.send(client, nodeId, ApiKey.DescribeGroups, {groups: groupIds, includeAuthorizedOperations: false}),
    offsets(),
  ]);
  return described.groups.map((g: any): RawGroup => {
    if (g.errorCode !== 0) throw fail(g.errorCode, `describing group "${g.groupId}"`);
    return {
      groupId: g.groupId,
      state: g.groupState,
      members: g.members.map((m: any) => ({
        memberId: m.memberId, clientId: m.clientId, host: m.clientHost,
        assignment: g.protocolType === 'consumer' ? decodeAssignment(m.memberAssignment) : [],
      })),
      committed: committed.get(g.groupId) ?? new Map(),
    };
  });
}
