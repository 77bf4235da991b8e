/** A scripted LagFetcher: each fetch returns the next scripted state (or throws it). */
import type {LagFetcher} from '../../../src/ops/lag/fetch.js';
import type {OldestRecord, RawGroup, RawSnapshot} from '../../../src/ops/lag/types.js';

export interface ScriptedState {
  groups: Array<{groupId: string; state?: string; owned?: boolean; committed: Record<string, number>}>;
  ends: Record<string, number>;
  oldest?: Record<string, OldestRecord>;
}

export function rawGroup(g: ScriptedState['groups'][number]): RawGroup {
  const assignment = Object.keys(g.committed).map((k) => ({topic: k.slice(0, k.lastIndexOf(':')), partition: Number(k.slice(k.lastIndexOf(':') + 1))}));
  return {
    groupId: g.groupId,
    state: g.state ?? (g.owned === false ? 'Empty' : 'Stable'),
    members: g.owned === false ? [] : [{memberId: `${g.groupId}-member-1`, clientId: `${g.groupId}-client`, host: '/127.0.0.1', assignment}],
    committed: new Map(Object.entries(g.committed).map(([k, v]) => [k, BigInt(v)])),
  };
}

export class ScriptedFetcher implements LagFetcher {
  calls = 0;
  closed = false;
  constructor(private readonly script: Array<ScriptedState | Error>) {}

  async fetch(nowMs: number): Promise<RawSnapshot> {
    const step = this.script[Math.min(this.calls, this.script.length - 1)];
    this.calls++;
    if (step instanceof Error) throw step;
    return {
      atMs: nowMs,
      groups: step.groups.map(rawGroup),
      logEndOffsets: new Map(Object.entries(step.ends).map(([k, v]) => [k, BigInt(v)])),
      oldest: new Map(Object.entries(step.oldest ?? {})),
      requests: new Map([[1, 4]]),
    };
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

export class ManualClock {
  constructor(public ms: number) {}
  nowMs(): number {
    return this.ms;
  }
}
