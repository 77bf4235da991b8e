import * as Args from '@oclif/core/args';
import {BaseCommand, outputFlag} from '../../src/cli/base-command.js';
import {deleteProfile} from '../../src/ops/profiles.js';

export default class ProfileDelete extends BaseCommand {
  static override summary = 'Delete a connection profile';
  static override examples = ['<%= config.bin %> profile delete old-cluster'];
  static override args = {name: Args.string({description: 'profile name', required: true})};
  static override flags = {output: outputFlag};

  async run(): Promise<void> {
    const {args, flags} = await this.parse(ProfileDelete);
    const result = await deleteProfile(args.name);
    this.print(result, flags.output, (r) => `Deleted profile "${r.deleted}".${r.current ? '' : ' No profile is current now.'}`);
  }
}
