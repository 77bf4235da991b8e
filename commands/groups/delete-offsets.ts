import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import {outputFlag} from '../../src/cli/base-command.js';
import {ClusterCommand} from '../../src/cli/cluster-command.js';
import {ClusterClient} from '../../src/client/cluster-client.js';
import {GroupClient} from '../../src/client/groups.js';
import {parseTopicScope} from '../../src/ops/groups/reset.js';
import {topicMetadata} from '../../src/ops/topics/describe.js';
import {errorName} from '../../src/protocol/error-codes.js';
import {formatTable} from '../../src/output/render.js';

export default class GroupsDeleteOffsets extends ClusterCommand {
  static override summary = 'Delete a group\'s committed offsets for some topics or partitions';
  static override description = `Uses OffsetDelete. Kafka refuses (GROUP_SUBSCRIBED_TO_TOPIC) for topics that active members
of the group subscribe to.`;
  static override args = {group: Args.string({description: 'group id', required: true})};
  static override examples = ['<%= config.bin %> groups delete-offsets billing --topic old-orders', '<%= config.bin %> groups delete-offsets billing --topic orders:3,4'];
  static override flags = {
    topic: Flags.string({description: 'TOPIC or TOPIC:0,1,2 (repeatable)', multiple: true, required: true}),
    output: outputFlag,
  };

  async run(): Promise<void> {
    const {args, flags} = await this.parse(GroupsDeleteOffsets);
    const scopes = flags.topic.map(parseTopicScope);
    const results = await ClusterClient.with(await this.connection(flags), async (c) => {
      const md = await topicMetadata(c, [...new Set(scopes.map((s) => s.topic))]);
      const tps = scopes.flatMap((s) => (s.partitions ?? md.topics.find((t) => t.name === s.topic)!.partitions.map((p) => p.partitionIndex)).map((partition) => ({topic: s.topic, partition})));
      return new GroupClient(c).deleteOffsets(args.group, tps);
    });
    const view = results.map((r) => ({group: args.group, topic: r.topic, partition: r.partition, deleted: r.errorCode === 0, error: r.errorCode === 0 ? null : errorName(r.errorCode)}));
    this.print(view, flags.output, (v) => formatTable(['GROUP', 'TOPIC', 'PARTITION', 'RESULT'], v.map((r) => [r.group, r.topic, r.partition, r.deleted ? 'deleted' : r.error])));
    if (view.some((r) => !r.deleted)) this.exit(1);
  }
}
