/** The base of every command that talks to a cluster: connection flags and their resolution. */
import {BaseCommand} from './base-command.js';
import {connectionFlags} from './connection-flags.js';
import {ConnectionFlags, ConnectionOptions, resolveConnection} from '../client/connection.js';
import {loadProfiles} from '../client/profiles.js';

export abstract class ClusterCommand extends BaseCommand {
  static override baseFlags = {...connectionFlags};

  /** The cluster to talk to, from -b, KSTREAM_BROKERS, the profile or the default. */
  protected async connection(flags: ConnectionFlags): Promise<ConnectionOptions> {
    return resolveConnection(flags, await loadProfiles());
  }
}
