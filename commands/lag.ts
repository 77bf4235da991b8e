import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import {outputFlag} from '../src/cli/base-command.js';
import {ClusterCommand} from '../src/cli/cluster-command.js';
import {parseInterval} from '../src/ops/lag/interval.js';
import {lagSnapshot} from '../src/ops/lag/snapshot.js';
import {lagTable} from '../src/ops/lag/table.js';
import {systemClock} from '../src/ops/lag/types.js';

import type {OutputFormat} from '../src/output/render.js';
import {whenNpxExits} from '../src/cli/parent-exit.js';

export default class Lag extends ClusterCommand {
  static override summary = 'Consumer lag in records and in time, with rates and Burrow-style status; --watch for a live dashboard';
  static override description = `For every consumer group (or the GROUPs given), per topic and partition: the committed
offset, the log end offset, the lag in records, the lag in time, the consume and produce rates,
the time to catch up, and a status.

Lag in time is measured where possible: kstream reads the oldest unconsumed record (the record at
the committed offset) and reports its age. When that record cannot be read, the time is
estimated from sampled (log end offset, time) points and printed with a "~"; in JSON its kind is
"estimated". A partition without a committed offset says "no data" (kind "no-data"), never NaN.

Rates and statuses need more than one look. By default kstream takes --samples 2 samples
--interval apart (1s unless given) and evaluates them; --samples 1 is instant but has no rates.

Status follows Burrow's rules over the window of samples, tried in this order:
  OK      the lag was zero at some sample, or the consumer reached the previous sample's
          log end (it keeps up)
  REWIND  the committed offset went down between samples (a reset or replay)
  STOP    there is lag and no live member is assigned the partition
  STALL   there is lag, a member owns the partition, and the offset did not move for
          at least 10s (shorter flat windows prove nothing: Java commits every 5s)
  WARN    the offset moves but the lag never went down and grew overall
A group is ERR if any partition is STOP, STALL or REWIND, WARN if any is WARN, else OK.

--watch opens a live dashboard refreshed every --interval (2s unless given): groups sorted by
lag with a trend sparkline; keys: l/t/r/n sort by lag, time lag, rate, name; up/down or j/k move;
Enter shows a group's partitions and members (Esc goes back); PgUp/PgDn page; / filters by name;
space pauses; q or Ctrl-C quits. When stdout is not a terminal, --watch prints the table (or one
JSON document per line with -o json) every interval instead. Started through npx, --watch also ends
when npx exits (npm does not pass a SIGTERM on).`;
  static override strict = false;
  static override args = {group: Args.string({description: 'consumer group id(s); default: all consumer groups'})};
  static override examples = [
    {description: 'Lag of every consumer group, two samples one second apart', command: '<%= config.bin %> lag'},
    {description: 'Two groups, only topic orders, instantly (no rates)', command: '<%= config.bin %> lag billing audit --topic orders --samples 1'},
    {description: 'Groups in error, for a script', command: '<%= config.bin %> lag -o json | jq \'.groups[] | select(.status == "ERR") | .group\''},
    {description: 'Seconds behind per group', command: '<%= config.bin %> lag -o json | jq -r \'.groups[] | "\\(.group) \\(.maxTimeLag.lagMs // "none")"\''},
    {description: 'The live dashboard, refreshed every 5 seconds', command: '<%= config.bin %> lag --watch --interval 5s'},
    {description: 'A log of lag, one JSON line per refresh', command: '<%= config.bin %> lag --watch -o json > lag.ndjson'},
  ];
  static override flags = {
    topic: Flags.string({char: 't', description: 'only this topic (repeatable)', multiple: true}),
    watch: Flags.boolean({char: 'w', description: 'live dashboard (a refreshed table when stdout is not a terminal)'}),
    interval: Flags.string({char: 'i', description: 'time between samples: 2s, 500ms, 1m (default 2s with --watch, else 1s)'}),
    samples: Flags.integer({description: 'samples to take before printing (snapshot mode)', default: 2, min: 1, max: 100}),
    'estimate-only': Flags.boolean({description: 'do not read records to measure time lag; estimate it from samples only'}),
    output: outputFlag,
  };

  async run(): Promise<void> {
    const {argv, flags} = await this.parse(Lag);
    const intervalMs = parseInterval(flags.interval ?? (flags.watch ? '2s' : '1s'));
    const filter = {groups: argv as string[], topics: flags.topic ?? [], measure: !flags['estimate-only']};
    const conn = await this.connection(flags);
    const format = (flags.output ?? 'table') as OutputFormat;
    if (flags.watch) {
      // Loaded only here so that a snapshot does not pay for Ink and React.
      const {watchLag} = await import('../src/tui/watch.js');
      // Killing npx does not reach this process (src/cli/parent-exit.ts): npx's exit stops the watch too.
      const stop = new AbortController();
      const stopWatching = whenNpxExits(() => stop.abort());
      try {
        await watchLag({conn, filter, intervalMs, format, clock: systemClock, stop: stop.signal});
      } finally {
        stopWatching();
      }
      return;
    }
    this.print(await lagSnapshot(conn, filter, flags.samples, intervalMs, systemClock), format, lagTable);
  }
}
