/**
 * `--watch` without a terminal: sample every interval and print each report (a table with a
 * time line, one JSON document per line, or YAML documents), errors as one line on stderr, until
 * a stop signal arrives. The loop survives an unreachable cluster and resumes when it returns.
 */
import {describeError} from '../../output/errors.js';
import {OutputFormat, renderView, toJson} from '../../output/render.js';
import type {LagMonitor} from './monitor.js';
import {lagTable} from './table.js';
import type {LagReport} from './types.js';

export interface PlainWatchOptions {
  monitor: LagMonitor;
  intervalMs: number;
  format: OutputFormat;
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
  stopSignals: NodeJS.Signals[];
  /** Stops the loop as a stop signal does. */
  stop?: AbortSignal;
}

export function renderRefresh(report: LagReport, format: OutputFormat): string {
  if (format === 'json') return `${toJson(report, false)}\n`;
  if (format === 'yaml') return `---\n${renderView(report, 'yaml', lagTable)}\n`;
  return `${new Date(report.atMs).toISOString()}\n${lagTable(report)}\n\n`;
}

export async function watchPlain(options: PlainWatchOptions): Promise<void> {
  let stop: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => {
    stop = resolve;
  });
  let running = true;
  const onSignal = () => {
    running = false;
    stop();
  };
  for (const s of options.stopSignals) process.once(s, onSignal);
  options.stop?.addEventListener('abort', onSignal, {once: true});
  if (options.stop?.aborted) onSignal();
  try {
    while (running) {
      try {
        options.out.write(renderRefresh(await options.monitor.sample(), options.format));
      } catch (err) {
        options.err.write(`Error: ${describeError(err)} (retrying every ${options.intervalMs}ms)\n`);
      }
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([stopped, new Promise<void>((resolve) => (timer = setTimeout(resolve, options.intervalMs)))]);
      clearTimeout(timer);
    }
  } finally {
    for (const s of options.stopSignals) process.off(s, onSignal);
    options.stop?.removeEventListener('abort', onSignal);
  }
}
