import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import {outputFlag} from '../../src/cli/base-command.js';
import {ClusterCommand} from '../../src/cli/cluster-command.js';
import {ClusterClient} from '../../src/client/cluster-client.js';
import {createTopic, parseConfigPairs} from '../../src/ops/topics/change.js';
import {createTopicText} from '../../src/output/topic-views.js';

export default class TopicsCreate extends ClusterCommand {
  static override summary = 'Create a topic';
  static override description = `Partitions and replication factor default to the broker's num.partitions and
default.replication.factor. Configs use Kafka's topic config names (retention.ms,
cleanup.policy, ...); the broker validates them, also with --dry-run, which creates nothing.`;
  static override args = {name: Args.string({description: 'topic name', required: true})};
  static override examples = [
    '<%= config.bin %> topics create orders -p 6',
    '<%= config.bin %> topics create users -p 3 -c cleanup.policy=compact -c min.compaction.lag.ms=60000',
    '<%= config.bin %> topics create orders -p 6 --if-not-exists   # safe to repeat in scripts',
    '<%= config.bin %> topics create orders -p 6 -r 3 --dry-run',
  ];
  static override flags = {
    partitions: Flags.integer({char: 'p', description: 'number of partitions (default: the broker\'s num.partitions)', min: 1}),
    replicas: Flags.integer({char: 'r', description: 'replication factor (default: the broker\'s default.replication.factor)', min: 1}),
    config: Flags.string({char: 'c', description: 'topic config key=value (repeatable)', multiple: true}),
    'if-not-exists': Flags.boolean({description: 'succeed without change if the topic exists'}),
    'dry-run': Flags.boolean({description: 'only validate the request on the broker'}),
    output: outputFlag,
  };

  async run(): Promise<void> {
    const {args, flags} = await this.parse(TopicsCreate);
    const spec = {name: args.name, partitions: flags.partitions ?? -1, replicationFactor: flags.replicas ?? -1, configs: parseConfigPairs(flags.config ?? [])};
    const result = await ClusterClient.with(await this.connection(flags), (c) => createTopic(c, spec, {dryRun: flags['dry-run'], ifNotExists: flags['if-not-exists']}));
    this.print(result, flags.output, createTopicText);
  }
}
