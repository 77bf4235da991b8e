/**
 * `kstream lag --watch`: the Ink dashboard on a terminal (in the alternate screen, restored on
 * exit), or, when stdout is not a terminal or the output is JSON/YAML, a plain refresh loop.
 */
import {render} from 'ink';
import type {ConnectionOptions} from '../client/connection.js';
import {ClusterLagFetcher, LagFilter} from '../ops/lag/fetch.js';
import {LagMonitor} from '../ops/lag/monitor.js';
import {watchPlain} from '../ops/lag/watch-plain.js';
import type {Clock} from '../ops/lag/types.js';
import type {OutputFormat} from '../output/render.js';
import {LagApp} from './app.js';
import {LagSourceContext} from './use-lag-source.js';

export interface WatchOptions {
  conn: ConnectionOptions;
  filter: LagFilter;
  intervalMs: number;
  format: OutputFormat;
  clock: Clock;
  /** Ends the watch as Ctrl-C does. */
  stop?: AbortSignal;
}

const ENTER_ALT_SCREEN = '\u001B[?1049h';
const LEAVE_ALT_SCREEN = '\u001B[?1049l';
const SHOW_CURSOR = '\u001B[?25h';

export async function watchLag(options: WatchOptions): Promise<void> {
  const monitor = new LagMonitor(new ClusterLagFetcher(options.conn, options.filter), options.clock);
  try {
    if (!process.stdout.isTTY || !process.stdin.isTTY || options.format !== 'table') {
      await watchPlain({monitor, intervalMs: options.intervalMs, format: options.format, out: process.stdout, err: process.stderr, stopSignals: ['SIGINT', 'SIGTERM'], stop: options.stop});
      return;
    }
    process.stdout.write(ENTER_ALT_SCREEN);
    const restore = () => process.stdout.write(LEAVE_ALT_SCREEN + SHOW_CURSOR);
    // A kill from outside must not leave the terminal in the alternate screen.
    process.once('SIGTERM', () => {
      restore();
      process.exit(143);
    });
    try {
      const app = render(
        <LagSourceContext.Provider value={monitor}>
          <LagApp intervalMs={options.intervalMs} clock={options.clock} target={options.conn.brokers.join(',')} />
        </LagSourceContext.Provider>,
        {exitOnCtrlC: true},
      );
      options.stop?.addEventListener('abort', () => app.unmount(), {once: true});
      await app.waitUntilExit();
    } finally {
      restore();
    }
  } finally {
    await monitor.close();
  }
}
