/** The connection flags shared by every command that talks to a cluster. */
import * as Flags from '@oclif/core/flags';
import {SASL_MECHANISMS} from '../client/connection.js';

export const connectionFlags = {
  // --bootstrap-server too: the name Kafka's own tools (kafka-topics.sh, ...) give it.
  brokers: Flags.string({char: 'b', aliases: ['bootstrap-server'],
    description: 'bootstrap brokers, host:port[,host:port...] (also --bootstrap-server, as in Kafka\'s tools; env KSTREAM_BROKERS; default: the profile, then 127.0.0.1:9092)',
    helpGroup: 'CONNECTION'}),
  profile: Flags.string({description: 'connection profile to use (see `kstream profile list`)', helpGroup: 'CONNECTION'}),
  tls: Flags.boolean({description: 'connect with TLS', helpGroup: 'CONNECTION'}),
  'tls-ca': Flags.string({description: 'PEM file of the CA that signed the brokers\' certificates', helpGroup: 'CONNECTION'}),
  'tls-cert': Flags.string({description: 'PEM client certificate (mutual TLS)', helpGroup: 'CONNECTION'}),
  'tls-key': Flags.string({description: 'PEM client key (mutual TLS)', helpGroup: 'CONNECTION'}),
  'sasl-mechanism': Flags.string({description: 'SASL mechanism (password from env KSTREAM_SASL_PASSWORD)', options: SASL_MECHANISMS, helpGroup: 'CONNECTION'}),
  'sasl-username': Flags.string({description: 'SASL user name', helpGroup: 'CONNECTION'}),
  timeout: Flags.integer({description: 'seconds to wait for an unreachable cluster before giving up', default: 10, min: 1, helpGroup: 'CONNECTION'}),
};
