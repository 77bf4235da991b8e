/**
 * ReadArena: the memory of a Fetch's small reads, given back all at once after the response is
 * encoded. That is safe only because the encoder copies reads of that size into its own chunks.
 */
import {describe, expect, it} from 'vitest';
import {ARENA_MAX_READ, ReadArena, arenaBuffers} from '../../src/storage/read-arena.js';
import {encodeResponseChunks} from '../../src/protocol/api.js';
import {ApiKey} from '../../src/protocol/api.js';
import {decodeResponse} from '../../src/protocol/api.js';

describe('ReadArena', () => {
  it('hands out slices that do not overlap, none above ARENA_MAX_READ, and reuses its memory once released', () => {
    const arena = new ReadArena();
    const slices = Array.from({length: 300}, (_, i) => arena.take(1 + (i * 37) % ARENA_MAX_READ)!);
    slices.forEach((s, i) => s.fill(i % 256));
    slices.forEach((s, i) => expect(s.every((b) => b === i % 256)).toBe(true));
    expect(arena.take(ARENA_MAX_READ + 1)).toBeUndefined();
    const memory = new Set(slices.map((s) => s.buffer));
    const {allocated} = arenaBuffers.stats;
    arena.release();
    const again = new ReadArena();
    const reused = Array.from({length: 300}, (_, i) => again.take(1 + (i * 37) % ARENA_MAX_READ)!);
    expect(reused.every((s) => memory.has(s.buffer))).toBe(true);
    expect(arenaBuffers.stats.allocated).toBe(allocated);
    again.release();
  });

  it('a Fetch response encoded from arena reads keeps its bytes after the arena is released and reused', () => {
    const arena = new ReadArena();
    const records = Array.from({length: 50}, (_, i) => arena.take(ARENA_MAX_READ - i)!.fill(i + 1));
    const body = {throttleTimeMs: 0, errorCode: 0, sessionId: 0, nodeEndpoints: [], responses: [{topic: 't', partitions: records.map((r, partitionIndex) => ({
      partitionIndex, errorCode: 0, highWatermark: 1n, lastStableOffset: 1n, logStartOffset: 0n, abortedTransactions: [], preferredReadReplica: -1, records: r}))}]};
    const chunks = encodeResponseChunks(ApiKey.Fetch, 12, 7, body, (size) => Buffer.alloc(size));
    arena.release();
    const next = new ReadArena();
    for (let i = 0; i < 50; i++) next.take(ARENA_MAX_READ)!.fill(0xff);
    const frame = Buffer.concat(chunks);
    const decoded = decodeResponse<any>(ApiKey.Fetch, 12, frame.subarray(4));
    decoded.body.responses[0].partitions.forEach((p: any, i: number) => expect(p.records.equals(Buffer.alloc(ARENA_MAX_READ - i, i + 1))).toBe(true));
    next.release();
  });
});
