import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import {outputFlag} from '../../src/cli/base-command.js';
import {ClusterCommand} from '../../src/cli/cluster-command.js';
import {confirmOrRefuse} from '../../src/cli/confirm.js';
import {ClusterClient} from '../../src/client/cluster-client.js';
import {deleteTopics} from '../../src/ops/topics/change.js';

export default class TopicsDelete extends ClusterCommand {
  static override summary = 'Delete topics and all their data';
  static override description = `Asks for confirmation on a terminal; elsewhere (scripts, CI) --yes is required.
All named topics are checked to exist before any is deleted.`;
  static override strict = false;
  static override args = {topic: Args.string({description: 'topic name(s)', required: true})};
  static override examples = ['<%= config.bin %> topics delete scratch', '<%= config.bin %> topics delete t1 t2 --yes'];
  static override flags = {
    yes: Flags.boolean({char: 'y', description: 'do not ask for confirmation'}),
    output: outputFlag,
  };

  async run(): Promise<void> {
    const {argv, flags} = await this.parse(TopicsDelete);
    const names = argv as string[];
    await confirmOrRefuse(`Delete topic(s) ${names.join(', ')} and all their records?`, flags.yes);
    const result = await ClusterClient.with(await this.connection(flags), (c) => deleteTopics(c, names));
    this.print(result, flags.output, (r) => `Deleted topic(s): ${r.deleted.join(', ')}.`);
  }
}
