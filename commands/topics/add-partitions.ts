import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import {outputFlag} from '../../src/cli/base-command.js';
import {ClusterCommand} from '../../src/cli/cluster-command.js';
import {ClusterClient} from '../../src/client/cluster-client.js';
import {addPartitions} from '../../src/ops/topics/change.js';
import {addPartitionsText} from '../../src/output/topic-views.js';

export default class TopicsAddPartitions extends ClusterCommand {
  static override summary = 'Increase the number of partitions of a topic';
  static override description = `--total is the new total, not the number to add. Kafka cannot reduce partitions.
Records with keys map to partitions by hash modulo the count, so keyed records will go to
different partitions after the change.`;
  static override args = {topic: Args.string({description: 'topic name', required: true})};
  static override examples = ['<%= config.bin %> topics add-partitions orders --total 12', '<%= config.bin %> topics add-partitions orders --total 12 --dry-run'];
  static override flags = {
    total: Flags.integer({char: 't', description: 'new total number of partitions', required: true, min: 1}),
    'dry-run': Flags.boolean({description: 'only validate the change on the broker'}),
    output: outputFlag,
  };

  async run(): Promise<void> {
    const {args, flags} = await this.parse(TopicsAddPartitions);
    const result = await ClusterClient.with(await this.connection(flags), (c) => addPartitions(c, args.topic, flags.total, flags['dry-run']));
    this.print(result, flags.output, addPartitionsText);
  }
}
