/**
 * The dashboard's only source of data: a hook that samples the LagSource from context every
 * `intervalMs` (never overlapping: the next sample is scheduled when one finishes), keeps the
 * last good report when the cluster is unreachable, and stops sampling while paused.
 */
import {createContext, useContext, useEffect, useRef, useState} from 'react';
import {describeError} from '../output/errors.js';
import type {Clock, LagReport} from '../ops/lag/types.js';

/** What the hook needs: LagMonitor satisfies it; tests pass a monitor over a scripted fetcher. */
export interface LagSource {
  sample(): Promise<LagReport>;
}

export const LagSourceContext = createContext<LagSource | null>(null);

export interface LagSourceState {
  report: LagReport | null;
  /** Set while the last refresh failed; cleared by the next one that works. */
  error: string | null;
  /** When refreshes started failing (clock ms). */
  errorSinceMs: number | null;
  /** When the last good report arrived (clock ms). */
  lastOkMs: number | null;
  refreshes: number;
}

export function useLagSource(intervalMs: number, clock: Clock, paused = false): LagSourceState {
  const source = useContext(LagSourceContext);
  if (!source) throw new Error('useLagSource needs a LagSourceContext provider');
  const [state, setState] = useState<LagSourceState>({report: null, error: null, errorSinceMs: null, lastOkMs: null, refreshes: 0});
  const pausedRef = useRef(paused);
  pausedRef.current = paused;

  useEffect(() => {
    if (paused) return;
    let cancelled = false;
    let timer: NodeJS.Timeout | undefined;
    const tick = async () => {
      try {
        const report = await source.sample();
        if (cancelled) return;
        setState((s) => ({report, error: null, errorSinceMs: null, lastOkMs: clock.nowMs(), refreshes: s.refreshes + 1}));
      } catch (err) {
        if (cancelled) return;
        setState((s) => ({...s, error: describeError(err), errorSinceMs: s.errorSinceMs ?? clock.nowMs(), refreshes: s.refreshes + 1}));
      }
      if (!cancelled && !pausedRef.current) timer = setTimeout(tick, intervalMs);
    };
    void tick();
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [source, intervalMs, clock, paused]);

  return state;
}
