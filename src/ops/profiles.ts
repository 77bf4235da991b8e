/** What the `kstream profile` commands do, independent of rendering. */
import {KstreamError} from '../output/errors.js';
import {parseBrokerList, SASL_MECHANISMS} from '../client/connection.js';
import {checkProfileName, loadProfiles, Profile, profilesPath, saveProfiles, SaslMechanism} from '../client/profiles.js';

export interface ProfileView {
  name: string;
  current: boolean;
  brokers: string[];
  tls: boolean;
  saslMechanism: string | null;
  saslUsername: string | null;
}

export interface ProfileSettings {
  brokers?: string;
  tls?: boolean;
  tlsCa?: string;
  tlsCert?: string;
  tlsKey?: string;
  saslMechanism?: string;
  saslUsername?: string;
}

function toView(name: string, p: Profile, current: string | undefined): ProfileView {
  return {
    name,
    current: name === current,
    brokers: p.brokers,
    tls: Boolean(p.tls?.enabled),
    saslMechanism: p.sasl?.mechanism ?? null,
    saslUsername: p.sasl?.username ?? null,
  };
}

export function buildProfile(s: ProfileSettings): Profile {
  const profile: Profile = {brokers: parseBrokerList(s.brokers ?? '127.0.0.1:9092')};
  if (s.tls || s.tlsCa || s.tlsCert || s.tlsKey) profile.tls = {enabled: true, ca: s.tlsCa, cert: s.tlsCert, key: s.tlsKey};
  if (s.saslMechanism) {
    if (!SASL_MECHANISMS.includes(s.saslMechanism as SaslMechanism)) throw new KstreamError(`unknown SASL mechanism "${s.saslMechanism}"`, {exitCode: 2});
    if (!s.saslUsername) throw new KstreamError('a SASL profile needs --sasl-username', {exitCode: 2});
    profile.sasl = {mechanism: s.saslMechanism as SaslMechanism, username: s.saslUsername};
  }
  return profile;
}

export async function createProfile(name: string, settings: ProfileSettings, options: {use: boolean; force: boolean}, file = profilesPath()): Promise<ProfileView> {
  checkProfileName(name);
  const data = await loadProfiles(file);
  if (data.profiles[name] && !options.force) {
    throw new KstreamError(`profile "${name}" already exists`, {hint: 'Pass --force to replace it, or delete it first'});
  }
  data.profiles[name] = buildProfile(settings);
  if (options.use || data.current === undefined) data.current = name;
  await saveProfiles(data, file);
  return toView(name, data.profiles[name], data.current);
}

export async function useProfile(name: string, file = profilesPath()): Promise<ProfileView> {
  const data = await loadProfiles(file);
  const profile = data.profiles[name];
  if (!profile) throw new KstreamError(`no profile named "${name}"`, {hint: 'List them with `kstream profile list`'});
  data.current = name;
  await saveProfiles(data, file);
  return toView(name, profile, name);
}

export async function listProfiles(file = profilesPath()): Promise<ProfileView[]> {
  const data = await loadProfiles(file);
  return Object.entries(data.profiles)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, p]) => toView(name, p, data.current));
}

export async function deleteProfile(name: string, file = profilesPath()): Promise<{deleted: string; current: string | null}> {
  const data = await loadProfiles(file);
  if (!data.profiles[name]) throw new KstreamError(`no profile named "${name}"`, {hint: 'List them with `kstream profile list`'});
  delete data.profiles[name];
  if (data.current === name) data.current = undefined;
  await saveProfiles(data, file);
  return {deleted: name, current: data.current ?? null};
}
