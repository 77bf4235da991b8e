/**
 * Which cluster a command talks to, and how. Precedence: -b/--brokers, then KSTREAM_BROKERS,
 * then the profile (--profile or the current one), then 127.0.0.1:9092.
 */
import {readFileSync} from 'node:fs';
import {UsageError} from '../output/errors.js';
import {Profile, ProfileFile, SaslMechanism} from './profiles.js';

export const DEFAULT_BROKER = '127.0.0.1:9092';
export const SASL_MECHANISMS: SaslMechanism[] = ['plain', 'scram-sha-256', 'scram-sha-512'];

export interface ConnectionFlags {
  brokers?: string;
  profile?: string;
  tls?: boolean;
  'tls-ca'?: string;
  'tls-cert'?: string;
  'tls-key'?: string;
  'sasl-mechanism'?: string;
  'sasl-username'?: string;
  timeout?: number;
}

export interface ConnectionOptions {
  brokers: string[];
  /** Where the broker list came from, for messages. */
  source: 'flag' | 'env' | 'profile' | 'default';
  profile?: string;
  tls?: {ca?: string; cert?: string; key?: string};
  sasl?: {mechanism: SaslMechanism; username: string; password: string};
  /** Give up on an unreachable cluster after this many seconds. */
  timeoutSeconds: number;
}

export function parseBrokerList(text: string): string[] {
  const brokers = text.split(',').map((s) => s.trim()).filter(Boolean);
  if (brokers.length === 0) throw new UsageError('no brokers given', 'Pass -b host:port[,host:port...]');
  for (const b of brokers) {
    const m = /^(\[[0-9a-fA-F:.]+\]|[^:\s]+):(\d{1,5})$/.exec(b);
    if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535) throw new UsageError(`invalid broker address "${b}"`, 'Expected host:port, e.g. 127.0.0.1:9092');
  }
  return brokers;
}

export function resolveConnection(flags: ConnectionFlags, profiles: ProfileFile, env: NodeJS.ProcessEnv = process.env): ConnectionOptions {
  const profileName = flags.profile ?? env.KSTREAM_PROFILE ?? profiles.current;
  let profile: Profile | undefined;
  if (profileName !== undefined) {
    profile = profiles.profiles[profileName];
    if (!profile && (flags.profile !== undefined || env.KSTREAM_PROFILE !== undefined)) {
      throw new UsageError(`no profile named "${profileName}"`, 'List them with `kstream profile list`');
    }
  }
  let brokers: string[];
  let source: ConnectionOptions['source'];
  if (flags.brokers) [brokers, source] = [parseBrokerList(flags.brokers), 'flag'];
  else if (env.KSTREAM_BROKERS) [brokers, source] = [parseBrokerList(env.KSTREAM_BROKERS), 'env'];
  else if (profile && profile.brokers.length > 0) [brokers, source] = [profile.brokers, 'profile'];
  else [brokers, source] = [[DEFAULT_BROKER], 'default'];

  const tlsWanted = flags.tls || Boolean(flags['tls-ca'] || flags['tls-cert'] || flags['tls-key']) || Boolean(profile?.tls?.enabled);
  const tls = tlsWanted
    ? {ca: flags['tls-ca'] ?? profile?.tls?.ca, cert: flags['tls-cert'] ?? profile?.tls?.cert, key: flags['tls-key'] ?? profile?.tls?.key}
    : undefined;

  const mechanism = (flags['sasl-mechanism'] ?? profile?.sasl?.mechanism)?.toLowerCase();
  let sasl: ConnectionOptions['sasl'];
  if (mechanism) {
    if (!SASL_MECHANISMS.includes(mechanism as SaslMechanism)) {
      throw new UsageError(`unknown SASL mechanism "${mechanism}"`, `Use one of ${SASL_MECHANISMS.join(', ')}`);
    }
    const username = flags['sasl-username'] ?? profile?.sasl?.username;
    if (!username) throw new UsageError('SASL needs a user name', 'Pass --sasl-username');
    const password = env.KSTREAM_SASL_PASSWORD;
    if (password === undefined) throw new UsageError('SASL needs a password', 'Set it in the environment variable KSTREAM_SASL_PASSWORD');
    sasl = {mechanism: mechanism as SaslMechanism, username, password};
  }
  return {brokers, source, profile: profile ? profileName : undefined, tls, sasl, timeoutSeconds: flags.timeout ?? 10};
}

/** TLS options for Node's tls.connect, reading the PEM files named on the command line. */
export function tlsSocketOptions(tls: NonNullable<ConnectionOptions['tls']>): {ca?: Buffer; cert?: Buffer; key?: Buffer} {
  const read = (file: string | undefined, what: string): Buffer | undefined => {
    if (!file) return undefined;
    try {
      return readFileSync(file);
    } catch (err) {
      throw new UsageError(`cannot read the TLS ${what} file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  };
  return {ca: read(tls.ca, 'CA'), cert: read(tls.cert, 'certificate'), key: read(tls.key, 'key')};
}
