/**
 * Finding a group's coordinator the way Kafka clients do: FindCoordinator again after a short
 * backoff while it answers COORDINATOR_NOT_AVAILABLE or COORDINATOR_LOAD_IN_PROGRESS (the broker
 * is creating the group's __consumer_offsets partition), until it names the coordinator.
 */
import {ApiKey} from '../../../src/protocol/api.js';
import {ErrorCode} from '../../../src/protocol/error-codes.js';
import type {WireClient} from './wire-client.js';

/** Waits between attempts: what librdkafka's retry.backoff.ms would be if it were this short. */
const BACKOFF_MS = 10;
const MAX_ATTEMPTS = 500;

export interface Coordinator {
  nodeId: number;
  host: string;
  port: number;
  /** Answers that were COORDINATOR_NOT_AVAILABLE or COORDINATOR_LOAD_IN_PROGRESS before this one. */
  retries: number;
}

export async function findCoordinator(wire: WireClient, groupId: string, version = 3): Promise<Coordinator> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const response = await wire.request(ApiKey.FindCoordinator, version,
      version >= 4 ? {keyType: 0, coordinatorKeys: [groupId]} : {key: groupId, keyType: 0});
    const answer = version >= 4 ? response.coordinators[0] : response;
    if (answer.errorCode === ErrorCode.NONE) return {nodeId: answer.nodeId, host: answer.host, port: answer.port, retries: attempt};
    if (answer.errorCode !== ErrorCode.COORDINATOR_NOT_AVAILABLE && answer.errorCode !== ErrorCode.COORDINATOR_LOAD_IN_PROGRESS) {
      throw new Error(`FindCoordinator for ${groupId}: error ${answer.errorCode}`);
    }
    await new Promise((resolve) => setTimeout(resolve, BACKOFF_MS));
  }
  throw new Error(`FindCoordinator for ${groupId}: still not available after ${MAX_ATTEMPTS} attempts`);
}
