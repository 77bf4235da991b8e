import * as Flags from '@oclif/core/flags';
import {outputFlag} from '../../src/cli/base-command.js';
import {ClusterCommand} from '../../src/cli/cluster-command.js';
import {ClusterClient} from '../../src/client/cluster-client.js';
import {GroupClient} from '../../src/client/groups.js';
import {listGroups} from '../../src/ops/groups/describe.js';
import {groupListTable} from '../../src/output/group-views.js';

export const GROUP_STATES = ['Empty', 'Stable', 'PreparingRebalance', 'CompletingRebalance', 'Dead'];

export default class GroupsList extends ClusterCommand {
  static override summary = 'List consumer groups';
  static override examples = ['<%= config.bin %> groups list', '<%= config.bin %> groups list --state Stable --state Empty -o json'];
  static override flags = {
    state: Flags.string({description: 'only groups in this state (repeatable)', multiple: true, options: GROUP_STATES}),
    output: outputFlag,
  };

  async run(): Promise<void> {
    const {flags} = await this.parse(GroupsList);
    const groups = await ClusterClient.with(await this.connection(flags), (c) => listGroups(new GroupClient(c), flags.state ?? []));
    this.print(groups, flags.output, groupListTable);
  }
}
