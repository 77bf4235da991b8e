import {BaseCommand, outputFlag} from '../../src/cli/base-command.js';
import {listProfiles} from '../../src/ops/profiles.js';
import {profilesTable} from '../../src/output/profile-views.js';

export default class ProfileList extends BaseCommand {
  static override summary = 'List connection profiles (the current one is marked *)';
  static override examples = ['<%= config.bin %> profile list', '<%= config.bin %> profile list -o json'];
  static override flags = {output: outputFlag};

  async run(): Promise<void> {
    const {flags} = await this.parse(ProfileList);
    this.print(await listProfiles(), flags.output, profilesTable);
  }
}
