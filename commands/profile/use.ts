import * as Args from '@oclif/core/args';
import {BaseCommand, outputFlag} from '../../src/cli/base-command.js';
import {useProfile} from '../../src/ops/profiles.js';

export default class ProfileUse extends BaseCommand {
  static override summary = 'Make a profile the current one';
  static override examples = ['<%= config.bin %> profile use prod'];
  static override args = {name: Args.string({description: 'profile name', required: true})};
  static override flags = {output: outputFlag};

  async run(): Promise<void> {
    const {args, flags} = await this.parse(ProfileUse);
    const view = await useProfile(args.name);
    this.print(view, flags.output, (v) => `Using profile "${v.name}" (${v.brokers.join(',')}).`);
  }
}
