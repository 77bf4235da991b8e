import * as Flags from '@oclif/core/flags';
import {outputFlag} from '../../src/cli/base-command.js';
import {ClusterCommand} from '../../src/cli/cluster-command.js';
import {ClusterClient} from '../../src/client/cluster-client.js';
import {listTopics} from '../../src/ops/topics/describe.js';
import {topicListTable} from '../../src/output/topic-views.js';

export default class TopicsList extends ClusterCommand {
  static override summary = 'List topics';
  static override examples = ['<%= config.bin %> topics list', '<%= config.bin %> topics list --internal -o json'];
  static override flags = {
    internal: Flags.boolean({char: 'i', description: 'include internal topics such as __consumer_offsets'}),
    output: outputFlag,
  };

  async run(): Promise<void> {
    const {flags} = await this.parse(TopicsList);
    const topics = await ClusterClient.with(await this.connection(flags), (c) => listTopics(c, {internal: flags.internal}), {brokersFromFirstMetadata: true});
    this.print(topics, flags.output, topicListTable);
  }
}
