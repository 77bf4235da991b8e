import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import {outputFlag} from '../../src/cli/base-command.js';
import {ClusterCommand} from '../../src/cli/cluster-command.js';
import {ClusterClient} from '../../src/client/cluster-client.js';
import {alterTopicConfig, parseConfigPairs} from '../../src/ops/topics/change.js';
import {alterConfigText} from '../../src/output/topic-views.js';

export default class TopicsAlterConfig extends ClusterCommand {
  static override summary = 'Set or revert topic configs';
  static override description = `Uses IncrementalAlterConfigs, so configs not named are left as they are.
--delete reverts a config to the broker's default.`;
  static override args = {topic: Args.string({description: 'topic name', required: true})};
  static override examples = [
    '<%= config.bin %> topics alter-config orders --set retention.ms=86400000',
    '<%= config.bin %> topics alter-config orders --delete retention.ms',
    '<%= config.bin %> topics alter-config orders --set cleanup.policy=compact --dry-run',
  ];
  static override flags = {
    set: Flags.string({char: 's', description: 'config key=value to set (repeatable)', multiple: true}),
    delete: Flags.string({char: 'd', description: 'config to revert to its default (repeatable)', multiple: true}),
    'dry-run': Flags.boolean({description: 'only validate the change on the broker'}),
    output: outputFlag,
  };

  async run(): Promise<void> {
    const {args, flags} = await this.parse(TopicsAlterConfig);
    const change = {set: parseConfigPairs(flags.set ?? []), delete: flags.delete ?? []};
    const result = await ClusterClient.with(await this.connection(flags), (c) => alterTopicConfig(c, args.topic, change, flags['dry-run']));
    this.print(result, flags.output, alterConfigText);
  }
}
