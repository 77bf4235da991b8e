import {mkdtemp, readFile, rm, stat, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {loadProfiles, saveProfiles} from '../../src/client/profiles.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'kstream-profiles-'));
});
afterAll(async () => {
  if (dir) await rm(dir, {recursive: true, force: true});
});

describe('profiles file', () => {
  it('is empty when there is no file', async () => {
    expect(await loadProfiles(path.join(dir, 'none', 'profiles.yaml'))).toEqual({profiles: {}});
  });

  it('round-trips through YAML, readable only by the user', async () => {
    const file = path.join(dir, 'config', 'profiles.yaml');
    const data = {current: 'prod', profiles: {prod: {brokers: ['k1:9093'], tls: {enabled: true, ca: 'ca.pem'}, sasl: {mechanism: 'plain' as const, username: 'ops'}}}};
    await saveProfiles(data, file);
    expect(await readFile(file, 'utf8')).toContain('current: prod\nprofiles:\n  prod:\n    brokers:\n      - k1:9093\n');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await loadProfiles(file)).toEqual(data);
  });

  it('reports a file that is not YAML or not a mapping', async () => {
    const bad = path.join(dir, 'bad.yaml');
    await writeFile(bad, 'profiles: [unclosed\n');
    await expect(loadProfiles(bad)).rejects.toThrow(/cannot parse .*bad\.yaml/);
    await writeFile(bad, '- a\n- b\n');
    await expect(loadProfiles(bad)).rejects.toThrow(/not a kstream profile file/);
  });
});
