import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import {outputFlag} from '../../src/cli/base-command.js';
import {ClusterCommand} from '../../src/cli/cluster-command.js';
import {ClusterClient} from '../../src/client/cluster-client.js';
import {GroupClient} from '../../src/client/groups.js';
import {describeGroup} from '../../src/ops/groups/describe.js';
import {groupMembersTable, groupOffsetsTable, groupStateTable} from '../../src/output/group-views.js';

export default class GroupsDescribe extends ClusterCommand {
  static override summary = 'Describe consumer groups: offsets and lag, members, or state';
  static override description = `The default view has kafka-consumer-groups' columns (GROUP TOPIC PARTITION
CURRENT-OFFSET LOG-END-OFFSET LAG CONSUMER-ID HOST CLIENT-ID) plus LOG-START-OFFSET, and the total
lag per topic and group. --members lists the members and their assignments; --state the
coordinator, assignment strategy, state and member count. JSON and YAML carry all three views.`;
  static override strict = false;
  static override args = {group: Args.string({description: 'group id(s)', required: true})};
  static override examples = [
    '<%= config.bin %> groups describe billing',
    '<%= config.bin %> groups describe billing audit --members',
    '<%= config.bin %> groups describe billing --state',
    '<%= config.bin %> groups describe billing -o json | jq .[0].totalLag',
  ];
  static override flags = {
    members: Flags.boolean({description: 'show members and their assignments', exclusive: ['state']}),
    state: Flags.boolean({description: 'show coordinator, strategy, state and member count'}),
    output: outputFlag,
  };

  async run(): Promise<void> {
    const {argv, flags} = await this.parse(GroupsDescribe);
    const views = await ClusterClient.with(await this.connection(flags), async (c) => {
      const groups = new GroupClient(c);
      const out = [];
      for (const id of argv as string[]) out.push(await describeGroup(c, groups, id));
      return out;
    });
    this.print(views, flags.output, flags.members ? groupMembersTable : flags.state ? groupStateTable : groupOffsetsTable);
  }
}
