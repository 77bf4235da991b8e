/**
 * The project's clients wait out a coordinator that is not ready, as Kafka's clients do: on a
 * fresh broker the first FindCoordinator always answers COORDINATOR_NOT_AVAILABLE (it starts
 * creating __consumer_offsets), so each of these calls succeeds only by asking again.
 */
import {mkdtemp, rm} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {ClusterClient, KafkaProtocolError} from '../../src/client/cluster-client.js';
import {resolveConnection} from '../../src/client/connection.js';
import {retryCoordinator} from '../../src/client/coordinator-retry.js';
import {GroupClient} from '../../src/client/groups.js';
import {Broker, startBroker} from '../../src/index.js';
import {findCoordinators} from '../../src/ops/lag/fetch-groups.js';
import {BOOTSTRAP_NODE, RequestCounter} from '../../src/ops/lag/requests.js';
import {ErrorCode} from '../../src/protocol/error-codes.js';

describe('retryCoordinator', () => {
  const notReady = (code: number) => new KafkaProtocolError(code, 'finding the coordinator');

  it('asks again while the coordinator is not available or loading, with a growing backoff', async () => {
    const codes = [ErrorCode.COORDINATOR_NOT_AVAILABLE, ErrorCode.COORDINATOR_LOAD_IN_PROGRESS, ErrorCode.COORDINATOR_NOT_AVAILABLE];
    const at: number[] = [];
    const result = await retryCoordinator(async () => {
      at.push(performance.now());
      const code = codes.shift();
      if (code !== undefined) throw notReady(code);
      return 'found';
    }, 10_000, {backoff: {initialMs: 5, maxMs: 20}});
    expect(result).toBe('found');
    expect(at).toHaveLength(4);
    // Waits of 5, 10 and 20 ms (timers may fire a little late, never early).
    expect(at[3]! - at[0]!).toBeGreaterThanOrEqual(34);
  });

  it('throws other errors at once, and the last one once the time is up', async () => {
    let calls = 0;
    await expect(retryCoordinator(async () => {
      calls++;
      throw notReady(ErrorCode.GROUP_AUTHORIZATION_FAILED);
    }, 10_000)).rejects.toMatchObject({errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED});
    expect(calls).toBe(1);
    await expect(retryCoordinator(async () => {
      throw notReady(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    }, 30, {backoff: {initialMs: 5, maxMs: 5}})).rejects.toMatchObject({errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE});
  });
});

describe('on a fresh broker', () => {
  let dir: string;
  let broker: Broker;
  let cluster: ClusterClient;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'kstream-coordinator-retry-'));
    broker = await startBroker({dataDir: path.join(dir, 'data'), port: 0, log: () => undefined});
    cluster = await ClusterClient.connect(resolveConnection({brokers: `127.0.0.1:${broker.port}`} as any, {profiles: {}} as any));
  });

  afterEach(async () => {
    await cluster.close();
    await broker.stop();
    await rm(dir, {recursive: true, force: true});
  });

  it('the CLI\'s group client finds the coordinator and describes a group', async () => {
    const groups = new GroupClient(cluster);
    expect(await groups.describe('nobody')).toMatchObject({groupId: 'nobody', state: 'Dead', coordinator: {nodeId: broker.nodeId, port: broker.port}});
    expect(await groups.committedOffsets('nobody')).toEqual([]);
  });

  it('the lag command finds the coordinators of many groups, asking again only for those not found', async () => {
    const counter = new RequestCounter();
    const cache = new Map<string, number>();
    const ids = Array.from({length: 10}, (_, i) => `group-${i}`);
    await findCoordinators(cluster, counter, ids, cache);
    expect([...cache.keys()].sort()).toEqual([...ids].sort());
    expect(new Set(cache.values())).toEqual(new Set([broker.nodeId]));
    // The first (batched) answer was COORDINATOR_NOT_AVAILABLE for all: at least one more request.
    expect(counter.perBroker.get(BOOTSTRAP_NODE)).toBeGreaterThan(1);
  });
});
