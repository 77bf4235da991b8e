import * as Args from '@oclif/core/args';
import {outputFlag} from '../../src/cli/base-command.js';
import {ClusterCommand} from '../../src/cli/cluster-command.js';
import {ClusterClient} from '../../src/client/cluster-client.js';
import {describeTopics} from '../../src/ops/topics/describe.js';
import {topicDescriptionText} from '../../src/output/topic-views.js';

export default class TopicsDescribe extends ClusterCommand {
  static override summary = 'Describe topics: partitions, leaders, replicas, ISR, offsets, sizes and non-default configs';
  static override description = `For each partition: the leader, its leader epoch, the replicas, the in-sync replicas, offline
replicas, the log start offset, the high watermark and the size on disk of the leader's replica
(from DescribeLogDirs). Configs that differ from the defaults are listed with where they come from.
Without a topic name, every non-internal topic is described.`;
  static override strict = false;
  static override args = {topic: Args.string({description: 'topic name(s)'})};
  static override examples = ['<%= config.bin %> topics describe orders', '<%= config.bin %> topics describe orders payments -o yaml'];
  static override flags = {output: outputFlag};

  async run(): Promise<void> {
    const {argv, flags} = await this.parse(TopicsDescribe);
    const names = argv as string[];
    const topics = await ClusterClient.with(await this.connection(flags), (c) => describeTopics(c, names), {brokersFromFirstMetadata: true});
    this.print(topics, flags.output, (t) => (t.length === 0 ? 'No topics.' : topicDescriptionText(t)));
  }
}
