import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import {outputFlag} from '../../src/cli/base-command.js';
import {ClusterCommand} from '../../src/cli/cluster-command.js';
import {ClusterClient} from '../../src/client/cluster-client.js';
import {listPartitions} from '../../src/ops/topics/partitions.js';
import {partitionTable} from '../../src/output/topic-views.js';

export default class PartitionsList extends ClusterCommand {
  static override summary = 'List partitions with leaders, replicas, ISR, offsets and sizes';
  static override description = `The filters are those of kafka-topics --describe: --under-replicated (fewer in-sync
replicas than replicas), --unavailable (no live leader), --under-min-isr (fewer in-sync replicas
than the topic's min.insync.replicas). Several filters list partitions matching any of them.`;
  static override strict = false;
  static override args = {topic: Args.string({description: 'topic name(s); default: all topics'})};
  static override examples = ['<%= config.bin %> partitions list', '<%= config.bin %> partitions list orders', '<%= config.bin %> partitions list --under-replicated --unavailable -o json'];
  static override flags = {
    'under-replicated': Flags.boolean({description: 'only partitions whose ISR is smaller than their replica set'}),
    unavailable: Flags.boolean({description: 'only partitions without a live leader'}),
    'under-min-isr': Flags.boolean({description: 'only partitions whose ISR is below min.insync.replicas'}),
    output: outputFlag,
  };

  async run(): Promise<void> {
    const {argv, flags} = await this.parse(PartitionsList);
    const filters = {underReplicated: flags['under-replicated'], unavailable: flags.unavailable, underMinIsr: flags['under-min-isr']};
    const parts = await ClusterClient.with(await this.connection(flags), (c) => listPartitions(c, argv as string[], filters), {brokersFromFirstMetadata: true});
    this.print(parts, flags.output, (p) => (p.length === 0 ? 'No matching partitions.' : partitionTable(p, true)));
  }
}
