/**
 * oclif.manifest.json: written from dist/ by the build (scripts/oclif-manifest.mjs), read by
 * bin/run.js, and never read in development (bin/dev.js, the man pages: src/cli/source-config.ts).
 * A fixture CLI in a temp dir has one command whose compiled form (dist/commands/hello.js) and
 * source (commands/hello.ts) differ, so each test can tell which one was used.
 */
import {execFile} from 'node:child_process';
import {copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {loadSourceConfig} from '../../src/cli/source-config.js';
// @ts-expect-error a plain ES module without types (a build script)
import {writeManifest} from '../../scripts/oclif-manifest.mjs';

const repo = path.resolve(__dirname, '../..');

const pjson = {
  name: 'fixture-cli',
  version: '1.2.3',
  type: 'module',
  dependencies: {'@oclif/core': '*', '@oclif/plugin-autocomplete': '*'},
  oclif: {bin: 'fixture', commands: './dist/commands', topicSeparator: ' ', plugins: ['@oclif/plugin-autocomplete']},
};

const compiled = `import {Command} from '@oclif/core';
export default class Hello extends Command {
  static summary = 'hello from dist';
  async run() { await this.parse(Hello); this.log('ran dist'); }
}
`;

const source = `import {Command, Flags} from '@oclif/core';
export default class Hello extends Command {
  static override summary: string = 'hello from source';
  static override flags = {loud: Flags.boolean({description: 'only in the source'})};
  async run(): Promise<void> {
    const {flags} = await this.parse(Hello);
    this.log(flags.loud ? 'RAN SOURCE' : 'ran source');
  }
}
`;

/** A manifest as an older build left it: a command that no longer exists. */
const staleManifest = {
  version: '1.2.3',
  commands: {ghost: {id: 'ghost', summary: 'a command from an old build', flags: {}, args: {}, aliases: [], hidden: false, pluginType: 'core', pluginName: 'fixture-cli', isESM: true, relativePath: ['dist', 'commands', 'ghost.js']}},
};

let dir: string;

function run(script: string, args: string[]): Promise<{code: number; stdout: string; stderr: string}> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(dir, 'bin', script), ...args], {cwd: dir, env: {...process.env, NO_COLOR: '1'}}, (err, stdout, stderr) => {
      resolve({code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr});
    });
  });
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'kstream-manifest-'));
  await writeFile(path.join(dir, 'package.json'), JSON.stringify(pjson));
  await symlink(path.join(repo, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  await symlink(path.join(repo, 'src'), path.join(dir, 'src'), 'dir'); // bin/dev.js imports ../src/cli/source-config.ts
  await mkdir(path.join(dir, 'bin'));
  for (const script of ['run.js', 'dev.js']) await copyFile(path.join(repo, 'bin', script), path.join(dir, 'bin', script));
  await mkdir(path.join(dir, 'dist', 'commands'), {recursive: true});
  await writeFile(path.join(dir, 'dist', 'commands', 'hello.js'), compiled);
  await mkdir(path.join(dir, 'commands'));
  await writeFile(path.join(dir, 'commands', 'hello.ts'), source);
  await writeFile(path.join(dir, 'oclif.manifest.json'), JSON.stringify(staleManifest));
  await writeManifest(dir);
});

afterAll(async () => {
  if (dir) await rm(dir, {recursive: true, force: true});
});

describe('oclif.manifest.json', () => {
  it('is written from dist/, replacing an existing manifest instead of reusing it', async () => {
    const manifest = JSON.parse(await readFile(path.join(dir, 'oclif.manifest.json'), 'utf8'));
    expect(manifest.version).toBe('1.2.3');
    expect(Object.keys(manifest.commands)).toEqual(['hello']);
    expect(manifest.commands.hello.summary).toBe('hello from dist');
    expect(manifest.commands.hello.relativePath).toEqual(['dist', 'commands', 'hello.js']);
  });

  it('is what bin/run.js lists, and it runs the compiled command', async () => {
    const help = await run('run.js', ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('hello from dist');
    expect(help.stdout).toContain('autocomplete');
    expect(await run('run.js', ['hello'])).toMatchObject({code: 0, stdout: 'ran dist\n'});
  });

  it('is ignored by bin/dev.js, which runs the sources', async () => {
    const help = await run('dev.js', ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('hello from source');
    expect(help.stdout).not.toContain('hello from dist');
    expect(help.stdout).not.toContain('ghost');
    expect(await run('dev.js', ['hello', '--loud'])).toMatchObject({code: 0, stdout: 'RAN SOURCE\n'});
    // the core plugins still load in development
    const autocomplete = await run('dev.js', ['autocomplete', '--help']);
    expect(autocomplete.code).toBe(0);
    expect(autocomplete.stdout).toContain('fixture autocomplete');
  });

  it('is ignored by the source config (the man pages), which still has the core plugins', async () => {
    const config = await loadSourceConfig(dir);
    expect(config.findCommand('hello')?.summary).toBe('hello from source');
    expect(Object.keys(config.findCommand('hello')?.flags ?? {})).toContain('loud');
    expect(config.plugins.has('@oclif/plugin-autocomplete')).toBe(true);
    expect(config.commandIDs.filter((id) => id === 'hello')).toHaveLength(1);
    expect(config.commandIDs).toContain('autocomplete');
  });
});
