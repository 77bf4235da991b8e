/**
 * Connection profiles, like rpk's: a YAML file in the user's config dir holding named sets of
 * connection settings and which one is in use. Passwords are never stored (KSTREAM_SASL_PASSWORD).
 */
import {mkdir, readFile, rename, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {KstreamError, UsageError} from '../output/errors.js';
import {configDir} from './paths.js';

export type SaslMechanism = 'plain' | 'scram-sha-256' | 'scram-sha-512';

export interface Profile {
  brokers: string[];
  tls?: {enabled: boolean; ca?: string; cert?: string; key?: string};
  sasl?: {mechanism: SaslMechanism; username: string};
}

export interface ProfileFile {
  current?: string;
  profiles: Record<string, Profile>;
}

export function profilesPath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(configDir(env), 'profiles.yaml');
}

const NAME = /^[A-Za-z0-9._-]{1,64}$/;

export function checkProfileName(name: string): void {
  if (!NAME.test(name)) throw new UsageError(`invalid profile name "${name}"`, 'Use letters, digits, ".", "_" or "-" (at most 64)');
}

export async function loadProfiles(file = profilesPath()): Promise<ProfileFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {profiles: {}};
    throw err;
  }
  // yaml is imported only when there is a file to parse: every cluster command loads the profiles.
  const {parse} = await import('yaml');
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new KstreamError(`cannot parse ${file}: ${(err as Error).message.split('\n')[0]}`);
  }
  if (doc === null || doc === undefined) return {profiles: {}};
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new KstreamError(`${file} is not a kstream profile file (expected a mapping)`);
  const {current, profiles} = doc as Partial<ProfileFile>;
  return {current: typeof current === 'string' ? current : undefined, profiles: profiles && typeof profiles === 'object' ? profiles : {}};
}

/** Written to a temp file and renamed, so a crash never leaves half a file. */
export async function saveProfiles(data: ProfileFile, file = profilesPath()): Promise<void> {
  await mkdir(path.dirname(file), {recursive: true});
  const tmp = `${file}.${process.pid}.tmp`;
  const {stringify} = await import('yaml');
  await writeFile(tmp, stringify(data), {mode: 0o600});
  await rename(tmp, file);
}
