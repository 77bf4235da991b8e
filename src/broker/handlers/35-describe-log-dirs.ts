/**
 * DescribeLogDirs (key 35), v0-4 (v2 flexible). kstream has one log directory, the data dir.
 * Null topics = every partition; named topics/partitions that do not exist are left out, as
 * Kafka does. The offset lag is 0 (the leader is the only replica); no future replicas. v3
 * adds a top-level error code, v4 the directory's total and usable bytes (statfs).
 */
import {statfs} from 'node:fs/promises';
import path from 'node:path';
import {ErrorCode} from '../../protocol/error-codes.js';
import type {DescribeLogDirsRequest} from '../../protocol/generated/types.js';
import {defineHandler, HandlerContext} from '../handler.js';

function wanted(request: DescribeLogDirsRequest, ctx: HandlerContext): Map<string, number[]> {
  const result = new Map<string, number[]>();
  if (request.topics === null) {
    for (const info of ctx.broker.topics.list()) result.set(info.name, [...Array(info.partitions).keys()]);
    return result;
  }
  for (const {topic, partitions} of request.topics) {
    const info = ctx.broker.topics.get(topic);
    if (!info) continue;
    const known = [...new Set(partitions)].filter((p) => p >= 0 && p < info.partitions);
    if (known.length > 0) result.set(topic, [...(result.get(topic) ?? []), ...known]);
  }
  return result;
}

async function diskSpace(dir: string): Promise<{totalBytes: bigint; usableBytes: bigint}> {
  try {
    const s = await statfs(dir, {bigint: true});
    return {totalBytes: s.blocks * s.bsize, usableBytes: s.bavail * s.bsize};
  } catch {
    return {totalBytes: -1n, usableBytes: -1n};
  }
}

export const handler = defineHandler<DescribeLogDirsRequest>({
  apiKey: 35,
  minVersion: 0,
  maxVersion: 4,
  async handle(request, ctx) {
    const logDir = path.resolve(ctx.broker.logs.dataDir);
    const topics = [];
    for (const [name, partitions] of wanted(request, ctx)) {
      const described = [];
      for (const partitionIndex of partitions) {
        // A partition whose directory is still being made is listed empty, as it is going to be.
        const log = ctx.broker.topics.readView(name, partitionIndex);
        if (!log) continue;
        described.push({partitionIndex, partitionSize: BigInt(log.sizeInBytes), offsetLag: 0n, isFutureKey: false});
      }
      if (described.length > 0) topics.push({name, partitions: described});
    }
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      results: [{errorCode: ErrorCode.NONE, logDir, topics, ...(await diskSpace(logDir))}],
    };
  },
});
