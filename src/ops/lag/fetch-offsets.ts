/**
 * The partition half of a refresh: log end offsets (one ListOffsets per leader) and the oldest
 * unconsumed record of each lagging group partition (one Fetch per leader and round, a round
 * holding each partition once; records already read are cached, since the record at an offset
 * does not change; a few partitions with oversized batches may be read again alone).
 */
import type {ClusterClient} from '../../client/cluster-client.js';
import {LATEST} from '../../client/cluster-client.js';
import {ApiKey} from '../../protocol/generated/api-keys.js';
import {recordTimestampAt} from './oldest-record.js';
import {RequestCounter} from './requests.js';
import type {OldestRecord} from './types.js';
import {partitionKey} from './window.js';

/** Enough for a typical small batch; bigger batches fall back to their header's timestamp. */
export const PARTITION_MAX_BYTES = 2048;

/**
 * Brokers that return no partial batch (the embedded one) send nothing for a partition whose
 * batch is bigger than PARTITION_MAX_BYTES unless it is the first of the request (KIP-74). Such
 * partitions are read again alone, at most this many per refresh; the rest are estimated.
 */
export const MAX_SINGLE_READS = 4;

export interface PartitionRef {
  topic: string;
  partition: number;
}

function byLeader<T extends PartitionRef>(items: T[], leaders: Map<string, number>): Map<number, T[]> {
  const out = new Map<number, T[]>();
  for (const item of items) {
    const leader = leaders.get(partitionKey(item.topic, item.partition));
    if (leader === undefined || leader < 0) continue;
    out.set(leader, [...(out.get(leader) ?? []), item]);
  }
  return out;
}

function byTopic<T extends PartitionRef>(items: T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) out.set(item.topic, [...(out.get(item.topic) ?? []), item]);
  return out;
}

export async function logEndOffsets(cluster: ClusterClient, counter: RequestCounter, partitions: PartitionRef[], leaders: Map<string, number>): Promise<Map<string, bigint>> {
  const ends = new Map<string, bigint>();
  await Promise.all([...byLeader(partitions, leaders)].map(async ([leader, tps]) => {
    const response = await counter.send(await cluster.broker(leader), leader, ApiKey.ListOffsets, {
      replicaId: -1, isolationLevel: 0,
      topics: [...byTopic(tps)].map(([name, ps]) => ({name, partitions: ps.map((p) => ({partitionIndex: p.partition, currentLeaderEpoch: -1, timestamp: LATEST, maxNumOffsets: 1}))})),
    });
    for (const t of response.topics) {
      for (const p of t.partitions) {
        if (p.errorCode !== 0) continue;
        ends.set(partitionKey(t.name, p.partitionIndex), p.offset ?? p.oldStyleOffsets?.[0] ?? -1n);
      }
    }
  }));
  return ends;
}

export interface OffsetRead extends PartitionRef {
  offset: bigint;
}

const readKey = (r: OffsetRead) => `${r.topic}:${r.partition}@${r.offset}`;

/**
 * Timestamps of the records at the given offsets. `cache` keeps what earlier refreshes read;
 * entries not wanted any more are dropped so it stays the size of the current lag set.
 */
export async function readTimestamps(cluster: ClusterClient, counter: RequestCounter, wanted: OffsetRead[], leaders: Map<string, number>, topicIds: Map<string, string>, cache: Map<string, OldestRecord | null>): Promise<Map<string, OldestRecord | null>> {
  const keep = new Set(wanted.map(readKey));
  for (const key of cache.keys()) if (!keep.has(key)) cache.delete(key);
  // Split the reads not in the cache into rounds that hold each partition at most once.
  const rounds: OffsetRead[][] = [];
  const seen = new Set<string>();
  for (const read of wanted) {
    const key = readKey(read);
    if (cache.has(key) || seen.has(key)) continue;
    seen.add(key);
    const tp = partitionKey(read.topic, read.partition);
    let round = rounds.find((r) => !r.some((x) => partitionKey(x.topic, x.partition) === tp));
    if (!round) rounds.push((round = []));
    round.push(read);
  }
  const names = new Map([...topicIds].map(([name, id]) => [id, name]));
  const emptyButThere: OffsetRead[] = [];
  const fetchRound = async (leader: number, reads: OffsetRead[]) => {
    const response = await counter.send(await cluster.broker(leader), leader, ApiKey.Fetch, {
      replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 64 * 1024 * 1024, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
      topics: [...byTopic(reads)].map(([topic, ps]) => ({
        topic, topicId: topicIds.get(topic) ?? 'AAAAAAAAAAAAAAAAAAAAAA',
        partitions: ps.map((p) => ({partition: p.partition, currentLeaderEpoch: -1, fetchOffset: p.offset, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: PARTITION_MAX_BYTES})),
      })),
      forgottenTopicsData: [], rackId: '',
    });
    const readOf = new Map(reads.map((r) => [partitionKey(r.topic, r.partition), r]));
    for (const t of response.responses) {
      const topic = t.topic || names.get(t.topicId) || '';
      for (const p of t.partitions) {
        const read = readOf.get(partitionKey(topic, p.partitionIndex));
        if (!read) continue;
        const empty = p.errorCode === 0 && (p.records?.length ?? 0) === 0 && p.highWatermark > read.offset;
        if (empty && reads.length > 1) emptyButThere.push(read);
        cache.set(readKey(read), p.errorCode === 0 ? await recordTimestampAt(p.records, read.offset) : null);
      }
    }
  };
  for (const round of rounds) {
    await Promise.all([...byLeader(round, leaders)].map(([leader, reads]) => fetchRound(leader, reads)));
  }
  for (const read of emptyButThere.slice(0, MAX_SINGLE_READS)) {
    const leader = leaders.get(partitionKey(read.topic, read.partition));
    if (leader !== undefined) await fetchRound(leader, [read]);
  }
  const out = new Map<string, OldestRecord | null>();
  for (const read of wanted) out.set(readKey(read), cache.get(readKey(read)) ?? null);
  return out;
}
