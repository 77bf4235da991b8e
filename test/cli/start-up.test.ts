/**
 * CLI cold start (README "Benchmarks", target < 300 ms): with oclif.manifest.json only the
 * command that runs is imported, so what its module imports at load time is paid on every run.
 * These tests import command modules in a fresh Node process (sources through tsx) and record
 * every module the ES loader loads, to keep heavy modules that a command does not need off its
 * start-up path.
 */
import {execFile} from 'node:child_process';
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
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

/** The repository-relative paths of the modules that importing `modules` loads. */
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
  return (await readFile(log, 'utf8')).split('\n').filter((u) => u.startsWith(prefix)).map((u) => u.slice(prefix.length).split('?')[0]);
}

const heavy = (loaded: string[], what: RegExp): string[] => loaded.filter((m) => what.test(m));

describe('CLI start-up path', () => {
  it('`kstream topics list` loads neither yaml, cli-table3, kafkajs, Ink, React nor the broker', async () => {
    const loaded = await modulesLoadedBy('topics-list', ['commands/topics/list.ts']);
    expect(loaded).toContain('commands/topics/list.ts'); // the recording works
    expect(loaded).toContain('src/client/cluster-client.ts');
    expect(heavy(loaded, /^node_modules\/(yaml|cli-table3|kafkajs|ink|react)\//)).toEqual([]);
    expect(heavy(loaded, /^src\/(broker|storage)\//)).toEqual([]);
  }, 60_000);

  it('yaml and cli-table3 are loaded on first use, not by importing the renderer or the profiles', async () => {
    const loaded = await modulesLoadedBy('render', ['src/output/render.ts', 'src/client/profiles.ts']);
    expect(loaded).toContain('src/output/render.ts');
    expect(heavy(loaded, /^node_modules\/(yaml|cli-table3)\//)).toEqual([]);
  }, 60_000);
});
