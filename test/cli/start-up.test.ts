/**
 * CLI cold start (README "Benchmarks", target < 300 ms): with oclif.manifest.json only the
 * command that runs is imported, so what its module imports at load time is paid on every run.
 * These tests import command modules in a fresh Node process (sources through tsx) and record
 * every module the ES loader loads, to keep heavy modules that a command does not need off its
 * start-up path.
 */
import {execFile} from 'node:child_process';
import {mkdtemp, readdir, readFile, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {pathToFileURL} from 'node:url';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';

const repo = path.resolve(__dirname, '../..');
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'kstream-start-up-'));
  // A module hook (it runs on the loader thread) appends each loaded URL to a file.
  await writeFile(path.join(dir, 'hooks.mjs'), `import {appendFileSync} from 'node:fs';
let file;
export function initialize(data) { file = data.file; }
export async function load(url, context, next) {
  appendFileSync(file, url + '\\n');
  return next(url, context);
}
`);
});

afterAll(async () => {
  if (dir) await rm(dir, {recursive: true, force: true});
});

/** The repository-relative paths of the modules that importing `modules` loads, and the node: built-ins. */
async function modulesLoadedBy(name: string, modules: string[]): Promise<string[]> {
  const log = path.join(dir, `${name}.log`);
  await writeFile(log, '');
  const script = [
    `import {register} from 'node:module';`,
    `register(${JSON.stringify(pathToFileURL(path.join(dir, 'hooks.mjs')).href)}, {data: {file: ${JSON.stringify(log)}}});`,
    `const {register: tsx} = await import('tsx/esm/api');`,
    `tsx();`,
    ...modules.map((m) => `await import(${JSON.stringify(pathToFileURL(path.join(repo, m)).href)});`),
  ].join('\n');
  await new Promise<void>((resolve, reject) => {
    execFile(process.execPath, ['--input-type=module', '-e', script], {cwd: repo}, (err, _stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve()));
  });
  const prefix = pathToFileURL(repo).href + '/';
  const urls = (await readFile(log, 'utf8')).split('\n');
  return [...urls.filter((u) => u.startsWith(prefix)).map((u) => u.slice(prefix.length).split('?')[0]), ...urls.filter((u) => u.startsWith('node:'))];
}

const heavy = (loaded: string[], what: RegExp): string[] => loaded.filter((m) => what.test(m));

describe('CLI start-up path', () => {
  it('`kstream topics list` loads neither yaml, cli-table3, chalk, kafkajs, Ink, React, node:tls, SCRAM nor the broker', async () => {
    const loaded = await modulesLoadedBy('topics-list', ['commands/topics/list.ts']);
    expect(loaded).toContain('commands/topics/list.ts'); // the recording works
    expect(loaded).toContain('src/client/cluster-client.ts');
    expect(heavy(loaded, /^node_modules\/(yaml|cli-table3|chalk|kafkajs|ink|react)\//)).toEqual([]);
    expect(heavy(loaded, /^src\/(broker|storage)\//)).toEqual([]);
    expect(loaded).toContain('node:net'); // built-ins are recorded
    expect(loaded).not.toContain('node:tls'); // imported for --tls only
    expect(loaded).not.toContain('src/client/scram.ts'); // and SCRAM (node:crypto) for SASL SCRAM only
  }, 60_000);

  it('no command module imports the index of @oclif/core (only its subpath modules)', async () => {
    const commands = (await readdir(path.join(repo, 'commands'), {recursive: true})).filter((f) => f.endsWith('.ts')).map((f) => path.join('commands', f));
    expect(commands).toContain(path.join('commands', 'topics', 'list.ts'));
    const loaded = await modulesLoadedBy('all-commands', commands);
    expect(loaded).toContain('commands/topics/list.ts'); // the recording works
    expect(loaded).not.toContain('node_modules/@oclif/core/lib/index.js');
  }, 120_000);

  it('yaml, cli-table3 and chalk are loaded on first use, not by importing the renderer or the profiles', async () => {
    const loaded = await modulesLoadedBy('render', ['src/output/render.ts', 'src/client/profiles.ts']);
    expect(loaded).toContain('src/output/render.ts');
    expect(heavy(loaded, /^node_modules\/(yaml|cli-table3|chalk)\//)).toEqual([]);
  }, 60_000);
});
