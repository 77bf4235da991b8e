/** The dashboard wired to its data (useLagSource), the terminal size and the quit key. */
import {useApp, useStdout} from 'ink';
import {useEffect, useState} from 'react';
import type {Clock} from '../ops/lag/types.js';
import {Dashboard} from './dashboard.js';
import {useLagSource} from './use-lag-source.js';

export interface LagAppProps {
  intervalMs: number;
  clock: Clock;
  target: string;
  /** Size to use when stdout does not report one (tests). */
  fallbackSize?: {columns: number; rows: number};
}

function useTerminalSize(fallback: {columns: number; rows: number}): {columns: number; rows: number} {
  const {stdout} = useStdout();
  const read = () => ({columns: stdout.columns || fallback.columns, rows: stdout.rows || fallback.rows});
  const [size, setSize] = useState(read);
  useEffect(() => {
    const onResize = () => setSize(read());
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return size;
}

export function LagApp({intervalMs, clock, target, fallbackSize = {columns: 100, rows: 30}}: LagAppProps) {
  const {exit} = useApp();
  const [paused, setPaused] = useState(false);
  const state = useLagSource(intervalMs, clock, paused);
  const size = useTerminalSize(fallbackSize);
  return (
    <Dashboard
      state={state} width={size.columns} height={size.rows} intervalMs={intervalMs} nowMs={clock.nowMs()}
      target={target} paused={paused} onTogglePause={() => setPaused((p) => !p)} onQuit={() => exit()}
    />
  );
}
