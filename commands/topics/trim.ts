import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import {outputFlag} from '../../src/cli/base-command.js';
import {ClusterCommand} from '../../src/cli/cluster-command.js';
import {confirmOrRefuse} from '../../src/cli/confirm.js';
import {ClusterClient} from '../../src/client/cluster-client.js';
import {planTrim, trimTopic} from '../../src/ops/topics/change.js';
import {parseDateTime} from '../../src/ops/time.js';
import {trimTable} from '../../src/output/topic-views.js';
import {UsageError} from '../../src/output/errors.js';

export default class TopicsTrim extends ClusterCommand {
  static override summary = 'Delete the records of a topic before an offset or a time';
  static override description = `Moves each partition's log start offset forward with DeleteRecords; whole segments
below it are deleted by the broker. --before-offset applies to every selected partition (-1 means
the high watermark: delete everything). --before-timestamp finds, per partition, the first record
at or after that time and deletes everything before it. Asks for confirmation on a terminal.`;
  static override args = {topic: Args.string({description: 'topic name', required: true})};
  static override examples = [
    '<%= config.bin %> topics trim orders --before-offset 1000 --partition 0',
    '<%= config.bin %> topics trim orders --before-timestamp 2024-05-01T00:00:00Z --yes',
    '<%= config.bin %> topics trim scratch --before-offset -1 --yes   # empty the topic',
  ];
  static override flags = {
    'before-offset': Flags.string({description: 'delete records with offsets below this (-1 = high watermark)', exclusive: ['before-timestamp']}),
    'before-timestamp': Flags.string({description: 'delete records older than this ISO-8601 time (UTC unless zoned) or epoch ms'}),
    partition: Flags.integer({char: 'p', description: 'only this partition (repeatable; default: all)', multiple: true}),
    yes: Flags.boolean({char: 'y', description: 'do not ask for confirmation'}),
    output: outputFlag,
  };

  async run(): Promise<void> {
    const {args, flags} = await this.parse(TopicsTrim);
    let beforeOffset: bigint | undefined;
    if (flags['before-offset'] !== undefined) {
      if (!/^-?\d+$/.test(flags['before-offset']) || BigInt(flags['before-offset']) < -1n) throw new UsageError(`invalid offset "${flags['before-offset']}"`, 'Expected a number >= 0, or -1 for the high watermark');
      beforeOffset = BigInt(flags['before-offset']);
    }
    const beforeTimestampMs = flags['before-timestamp'] === undefined ? undefined : parseDateTime(flags['before-timestamp']);
    const result = await ClusterClient.with(await this.connection(flags), async (c) => {
      const plan = await planTrim(c, args.topic, {beforeOffset, beforeTimestampMs, partitions: flags.partition});
      await confirmOrRefuse(`Delete records of "${args.topic}" before ${[...plan].map(([p, o]) => `${p}:${o === -1n ? 'end' : o}`).join(', ')}?`, flags.yes);
      return trimTopic(c, args.topic, plan);
    });
    this.print(result, flags.output, trimTable);
    if (result.partitions.some((p) => p.error)) this.exit(1);
  }
}
