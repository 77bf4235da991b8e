import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import {BaseCommand, outputFlag} from '../../src/cli/base-command.js';
import {SASL_MECHANISMS} from '../../src/client/connection.js';
import {createProfile} from '../../src/ops/profiles.js';
import {profilesTable} from '../../src/output/profile-views.js';

export default class ProfileCreate extends BaseCommand {
  static override summary = 'Create a connection profile';
  static override description = `A profile names a cluster and how to reach it, so that every other command can use it
with --profile NAME, or by default once it is the current profile. Profiles live in
$XDG_CONFIG_HOME/kstream/profiles.yaml (~/.config/kstream/profiles.yaml). SASL passwords are never
stored: set KSTREAM_SASL_PASSWORD when running commands. The first profile created becomes current.`;
  static override examples = [
    '<%= config.bin %> profile create local -b 127.0.0.1:9092',
    '<%= config.bin %> profile create prod -b k1.example.com:9093,k2.example.com:9093 --tls --tls-ca ca.pem --sasl-mechanism scram-sha-512 --sasl-username ops --use',
  ];
  static override args = {name: Args.string({description: 'profile name', required: true})};
  static override flags = {
    brokers: Flags.string({char: 'b', description: 'bootstrap brokers, host:port[,host:port...]', default: '127.0.0.1:9092'}),
    tls: Flags.boolean({description: 'connect with TLS'}),
    'tls-ca': Flags.string({description: 'PEM file of the CA'}),
    'tls-cert': Flags.string({description: 'PEM client certificate'}),
    'tls-key': Flags.string({description: 'PEM client key'}),
    'sasl-mechanism': Flags.string({description: 'SASL mechanism', options: SASL_MECHANISMS}),
    'sasl-username': Flags.string({description: 'SASL user name'}),
    use: Flags.boolean({description: 'make it the current profile'}),
    force: Flags.boolean({description: 'replace a profile of the same name'}),
    output: outputFlag,
  };

  async run(): Promise<void> {
    const {args, flags} = await this.parse(ProfileCreate);
    const view = await createProfile(args.name, {
      brokers: flags.brokers, tls: flags.tls, tlsCa: flags['tls-ca'], tlsCert: flags['tls-cert'], tlsKey: flags['tls-key'],
      saslMechanism: flags['sasl-mechanism'], saslUsername: flags['sasl-username'],
    }, {use: flags.use, force: flags.force});
    this.print(view, flags.output, (v) => `Created profile "${v.name}"${v.current ? ' (current)' : ''}.\n${profilesTable([v])}`);
  }
}
