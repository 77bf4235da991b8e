import {mkdtemp, readFile, rm} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {createProfile, deleteProfile, listProfiles, useProfile} from '../../src/ops/profiles.js';

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'kstream-profiles-'));
  file = path.join(dir, 'profiles.yaml');
});
afterEach(async () => rm(dir, {recursive: true, force: true}));

describe('profiles', () => {
  it('creates, lists, switches and deletes profiles in a YAML file', async () => {
    await createProfile('local', {brokers: '127.0.0.1:9092'}, {use: false, force: false}, file);
    await createProfile('prod', {brokers: 'k1:9093', tls: true, saslMechanism: 'plain', saslUsername: 'u'}, {use: false, force: false}, file);
    let views = await listProfiles(file);
    expect(views.map((v) => [v.name, v.current])).toEqual([['local', true], ['prod', false]]);
    expect(await readFile(file, 'utf8')).not.toMatch(/password/);

    await useProfile('prod', file);
    views = await listProfiles(file);
    expect(views.find((v) => v.current)?.name).toBe('prod');

    expect(await deleteProfile('prod', file)).toEqual({deleted: 'prod', current: null});
    expect((await listProfiles(file)).map((v) => v.name)).toEqual(['local']);
  });

  it('refuses duplicates without --force and unknown names', async () => {
    await createProfile('a', {brokers: 'h:1'}, {use: false, force: false}, file);
    await expect(createProfile('a', {brokers: 'h:2'}, {use: false, force: false}, file)).rejects.toThrow(/already exists/);
    await createProfile('a', {brokers: 'h:2'}, {use: false, force: true}, file);
    expect((await listProfiles(file))[0].brokers).toEqual(['h:2']);
    await expect(useProfile('zz', file)).rejects.toThrow(/no profile named "zz"/);
    await expect(createProfile('bad name', {}, {use: false, force: false}, file)).rejects.toThrow(/invalid profile name/);
  });
});
