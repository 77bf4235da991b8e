import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import {outputFlag} from '../../src/cli/base-command.js';
import {ClusterCommand} from '../../src/cli/cluster-command.js';
import {confirmOrRefuse} from '../../src/cli/confirm.js';
import {ClusterClient} from '../../src/client/cluster-client.js';
import {GroupClient} from '../../src/client/groups.js';
import {errorName} from '../../src/protocol/error-codes.js';
import {formatTable} from '../../src/output/render.js';

export default class GroupsDelete extends ClusterCommand {
  static override summary = 'Delete consumer groups and their committed offsets';
  static override description = `Only groups without active members can be deleted (Kafka answers NON_EMPTY_GROUP
otherwise). Asks for confirmation on a terminal; elsewhere --yes is required.`;
  static override strict = false;
  static override args = {group: Args.string({description: 'group id(s)', required: true})};
  static override examples = ['<%= config.bin %> groups delete old-billing', '<%= config.bin %> groups delete g1 g2 --yes -o json'];
  static override flags = {yes: Flags.boolean({char: 'y', description: 'do not ask for confirmation'}), output: outputFlag};

  async run(): Promise<void> {
    const {argv, flags} = await this.parse(GroupsDelete);
    const ids = argv as string[];
    await confirmOrRefuse(`Delete consumer group(s) ${ids.join(', ')} and their committed offsets?`, flags.yes);
    const results = await ClusterClient.with(await this.connection(flags), (c) => new GroupClient(c).deleteGroups(ids));
    const view = results.map((r) => ({group: r.groupId, deleted: r.errorCode === 0, error: r.errorCode === 0 ? null : errorName(r.errorCode)}));
    this.print(view, flags.output, (v) => formatTable(['GROUP', 'RESULT'], v.map((r) => [r.group, r.deleted ? 'deleted' : r.error])));
    if (view.some((r) => !r.deleted)) this.exit(1);
  }
}
