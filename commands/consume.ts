import {once} from 'node:events';
import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import {outputFlag} from '../src/cli/base-command.js';
import {ClusterCommand} from '../src/cli/cluster-command.js';
import {UsageError} from '../src/output/errors.js';
import {consume} from '../src/ops/consume/consume.js';
import {DEFAULT_FORMAT, ENCODINGS, Encoding, recordWriter} from '../src/ops/consume/format.js';
import {parseFrom} from '../src/ops/consume/position.js';
import {whenNpxExits} from '../src/cli/parent-exit.js';

export default class Consume extends ClusterCommand {
  static override summary = 'Consume records and print them, by format string or as JSON lines';
  static override description = `Without --group, kstream reads the partitions directly (like kcat without -G): it joins no group and commits nothing. With --group it is a member of that consumer group: the group assigns the partitions, reading starts at the group's committed offsets (or at --from beginning|end where the group has none), and the offsets of the records printed are committed every 5 seconds, when --count or --exit ends the run, and on Ctrl-C or SIGTERM (started through npx, also when npx exits: npm does not pass a SIGTERM on).

--from: beginning (default), end, an offset (42), N records before the end (-10), an ISO-8601 time (2024-05-01T12:00:00Z; UTC unless a zone is given) or @epoch-ms: the first record at or after that time. Offsets outside the log are clamped to its start or end.

-f takes a format string with kcat's tokens: %t topic, %p partition, %o offset, %T timestamp (epoch ms), %k key, %s value, %K and %S key and value length (-1 for null), %R value length as a 4-byte big-endian integer (to frame binary values), %h headers as k=v,k=v, %% a percent sign; and the escapes \\n \\r \\t \\0 \\\\ \\xHH. The default is '%s\\n'. Keys, values and header values are written as their raw bytes (--encoding utf8, the default), or as base64 or hex text.

-o json prints one JSON object per line with topic, partition, offset, timestamp, timestampType, key, value and headers (a list of {key, value}); bytes are text in --encoding, so use base64 for binary data. -o yaml prints one YAML document per record.`;
  static override args = {topic: Args.string({description: 'topic to consume', required: true})};
  static override examples = [
    {description: 'Everything so far, then stop (kcat -C -e)', command: '<%= config.bin %> consume orders --exit'},
    {description: 'The last 10 records of partition 0, with keys and offsets', command: '<%= config.bin %> consume orders -p 0 --from -10 -e -f "%o %k=%s\\n"'},
    {description: 'Records since a time, as JSON lines', command: '<%= config.bin %> consume orders --from 2024-05-01T12:00:00Z -e -o json | jq .value'},
    {description: 'New records as they arrive, until Ctrl-C', command: '<%= config.bin %> consume orders --from end'},
    {description: 'As a member of group billing: 100 records, then commit and exit', command: '<%= config.bin %> consume orders --group billing -n 100'},
    {description: 'Binary values, safely', command: '<%= config.bin %> consume images -e -o json --encoding base64'},
  ];
  static override flags = {
    from: Flags.string({description: 'where to start: beginning, end, OFFSET, -N (N before the end), ISO-8601 time or @epoch-ms', default: 'beginning'}),
    partition: Flags.integer({char: 'p', description: 'only this partition; not with --group', multiple: true, min: 0}),
    count: Flags.integer({char: 'n', description: 'stop after this many records', min: 1}),
    group: Flags.string({char: 'g', description: 'consume as a member of this consumer group and commit offsets'}),
    exit: Flags.boolean({char: 'e', description: 'stop at the end of every partition (kcat -e)'}),
    format: Flags.string({char: 'f', description: 'format string for each record (see the description); table output only'}),
    encoding: Flags.string({description: 'how keys, values and header values are written', options: [...ENCODINGS], default: 'utf8'}),
    output: outputFlag,
  };

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Consume);
    if (flags.format !== undefined && flags.output !== 'table') {
      throw new UsageError(`-f/--format and -o ${flags.output} do not go together`, 'Use -f for text, or -o json|yaml for data');
    }
    const write1 = recordWriter(flags.output as 'table' | 'json' | 'yaml', flags.format ?? DEFAULT_FORMAT, flags.encoding as Encoding);
    const options = {
      partitions: flags.partition === undefined ? undefined : [...new Set(flags.partition)],
      from: parseFrom(flags.from),
      count: flags.count,
      group: flags.group,
      exitAtEnd: flags.exit,
    };
    const conn = await this.connection(flags);

    // Ctrl-C, kill, or a closed pipe (| head) stop the loop; the source then closes cleanly.
    const stop = new AbortController();
    const onSignal = () => stop.abort();
    const onStdoutError = (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') stop.abort();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    // Killing npx does not reach this process (src/cli/parent-exit.ts): npx's exit stops it too.
    const stopWatching = whenNpxExits(onSignal);
    process.stdout.on('error', onStdoutError);
    const write = async (records: Parameters<typeof write1>[0][]) => {
      if (stop.signal.aborted) return;
      if (!process.stdout.write(Buffer.concat(records.map(write1)))) {
        await once(process.stdout, 'drain', {signal: stop.signal}).catch(() => undefined);
      }
    };
    try {
      const result = await consume(conn, args.topic, options, write, stop.signal);
      if (process.stderr.isTTY) {
        const why = {count: 'count reached', end: 'end of all partitions', signal: 'stopped'}[result.stoppedBy];
        process.stderr.write(`${result.records} record${result.records === 1 ? '' : 's'} consumed (${why})${flags.group ? `; offsets committed for group "${flags.group}"` : ''}.\n`);
      }
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      stopWatching();
    }
  }
}
