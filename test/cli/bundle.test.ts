/**
 * dist/cli, the bundled CLI that bin/run.js (the installed `kstream`) runs (scripts/bundle-cli.mjs,
 * written by `npm run build`, which `npm ci` runs). The other CLI tests run the sources through
 * bin/dev.js, so these check that the bundle holds every command as the sources define it, and
 * run the bundled commands end to end against a broker.
 */
import {existsSync} from 'node:fs';
import {readdir, readFile} from 'node:fs/promises';
import path from 'node:path';
import {pathToFileURL} from 'node:url';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {brokerForCli, runCli} from '../commands/cli-helpers.js';

const repo = path.resolve(__dirname, '../..');
const bundled = path.join(repo, 'dist', 'cli');

interface CommandClass {
  summary?: string;
  flags?: Record<string, unknown>;
  args?: Record<string, unknown>;
}

const shape = (command: CommandClass) => ({summary: command.summary, flags: Object.keys(command.flags ?? {}).sort(), args: Object.keys(command.args ?? {})});

beforeAll(() => {
  if (!existsSync(path.join(bundled, 'execute.js'))) throw new Error('dist/cli is missing: run `npm run build` (npm ci and npm install run it)');
});

describe('the bundled CLI (dist/cli)', () => {
  it('has every command of commands/, with the flags and arguments of its source, and the manifest points at it', async () => {
    const sources = (await readdir(path.join(repo, 'commands'), {recursive: true})).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3).split(path.sep).join('/'));
    expect(sources).toContain('topics/list');
    const manifest = JSON.parse(await readFile(path.join(repo, 'oclif.manifest.json'), 'utf8')) as {commands: Record<string, {relativePath: string[]}>};
    for (const id of sources) {
      const file = path.join(bundled, 'commands', `${id}.js`);
      const built = (await import(pathToFileURL(file).href)).default as CommandClass;
      const source = (await import(pathToFileURL(path.join(repo, 'commands', `${id}.ts`)).href)).default as CommandClass;
      expect(shape(built), id).toEqual(shape(source));
      expect(manifest.commands[id.replaceAll('/', ':')]?.relativePath.join('/'), id).toBe(`dist/cli/commands/${id}.js`);
    }
    expect(Object.keys(manifest.commands).filter((id) => !id.startsWith('autocomplete'))).toHaveLength(sources.length);
  }, 120_000);

  it('leaves `broker start` unbundled, so that the broker runs from dist/src', async () => {
    const entry = await import(pathToFileURL(path.join(bundled, 'commands', 'broker', 'start.js')).href);
    const compiled = await import(pathToFileURL(path.join(repo, 'dist', 'commands', 'broker', 'start.js')).href);
    expect(entry.default).toBe(compiled.default);
  });

  it('`kstream --version` and `--help` run from the bundle', async () => {
    const version = await runCli(['--version'], {}, undefined, 'bin/run.js');
    expect(version.code, version.stderr).toBe(0);
    const pjson = JSON.parse(await readFile(path.join(repo, 'package.json'), 'utf8')) as {version: string};
    expect(version.stdout).toContain(`kstream/${pjson.version}`);
    const help = await runCli(['topics', 'list', '--help'], {}, undefined, 'bin/run.js');
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toContain('kstream topics list');
  }, 30_000);

  describe('against a broker', () => {
    let env: Awaited<ReturnType<typeof brokerForCli>>;
    beforeAll(async () => {
      env = await brokerForCli({}, 'bin/run.js');
    });
    afterAll(async () => {
      await env?.close();
    });

    it('creates, lists and describes a topic, produces to it and consumes it in a group (kafkajs in the bundle)', async () => {
      const created = await env.cli(['topics', 'create', 'bundled', '--partitions', '2']);
      expect(created.code, created.stderr).toBe(0);
      const list = await env.cli(['topics', 'list', '-o', 'json']);
      expect(list.code, list.stderr).toBe(0);
      expect(JSON.parse(list.stdout)).toEqual([expect.objectContaining({name: 'bundled', partitions: 2})]);
      const produced = await env.cli(['produce', 'bundled', '-p', '1'], 'one\ntwo\nthree\n');
      expect(produced.code, produced.stderr).toBe(0);
      const consumed = await env.cli(['consume', 'bundled', '-g', 'readers', '-e', '-f', '%p:%o:%s\\n']);
      expect(consumed.code, consumed.stderr).toBe(0);
      expect(consumed.stdout.trim().split('\n')).toEqual(['1:0:one', '1:1:two', '1:2:three']);
      const groups = await env.cli(['groups', 'describe', 'readers', '-o', 'json']);
      expect(groups.code, groups.stderr).toBe(0);
      expect(JSON.parse(groups.stdout)[0].offsets).toEqual([expect.objectContaining({topic: 'bundled', partition: 1, currentOffset: 3, lag: 0})]);
    }, 60_000);

    it('reports a broker-side error with its Kafka message and exit code', async () => {
      const again = await env.cli(['topics', 'create', 'bundled']);
      expect(again.code).not.toBe(0);
      expect(again.stderr).toMatch(/already exists/i);
    }, 30_000);
  });
});
