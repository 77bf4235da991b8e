/**
 * `kstream broker start` as a child process (node bin/dev.js): the listening line, serving a
 * request, clean shutdown on SIGTERM with data kept, and one clear error line for a busy port.
 */
import {ChildProcess, execFile, spawn} from 'node:child_process';
import {existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, watch, writeFileSync} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterAll, describe, expect, it} from 'vitest';
import {startBroker} from '../../src/index.js';
import {ApiKey} from '../../src/protocol/api.js';
import {encodeBatch} from '../../src/records/batch.js';
import {readPartition} from '../interop/helpers.js';
import {WireClient} from './helpers/wire-client.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dir = mkdtempSync(path.join(os.tmpdir(), 'kstream-start-cmd-'));
/** The brokers' temporary directory (TMPDIR): where their path warm-up works, and what a SIGKILL leaves behind. */
const tmp = path.join(dir, 'tmp');
mkdirSync(tmp);
afterAll(() => rmSync(dir, {recursive: true, force: true}));

/** Resolves once `holds()` is true of the names in the temporary directory, checked on each change to it. */
function untilTmp(holds: (names: string[]) => boolean): Promise<void> {
  return new Promise((resolve) => {
    const watcher = watch(tmp, () => check());
    const check = () => {
      if (!holds(readdirSync(tmp))) return;
      watcher.close();
      resolve();
    };
    check();
  });
}

function start(args: string[]): {child: ChildProcess; listening: Promise<{host: string; port: number}>; exit: Promise<{code: number | null; stdout: string; stderr: string}>} {
  const child = spawn(process.execPath, [path.join(repo, 'bin/dev.js'), 'broker', 'start', ...args], {cwd: repo, env: {...process.env, NO_COLOR: '1', TMPDIR: tmp}});
  let stdout = '';
  let stderr = '';
  const listening = new Promise<{host: string; port: number}>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /listening on (\S+):(\d+)/.exec(stdout);
      if (match) resolve({host: match[1]!, port: Number(match[2])});
    });
    child.on('exit', () => reject(new Error(`exited before listening: ${stderr}`)));
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exit = new Promise<{code: number | null; stdout: string; stderr: string}>((resolve) => {
    child.on('exit', (code) => resolve({code, stdout, stderr}));
  });
  listening.catch(() => undefined);
  return {child, listening, exit};
}

describe('kstream broker start', () => {
  it('listens, serves, and shuts down cleanly on SIGTERM', async () => {
    const dataDir = path.join(dir, 'data');
    const config = path.join(dir, 'broker.yaml');
    writeFileSync(config, 'num.partitions: 2\n');
    const run = start(['--listen', '127.0.0.1:0', '--data-dir', dataDir, '--config', config, '--set', 'auto.create.topics.enable=true']);
    const {host, port} = await run.listening;
    expect(host).toBe('127.0.0.1');
    const client = await WireClient.connect(port);
    await client.request(ApiKey.Metadata, 9, {topics: [{name: 'from-cli'}], allowAutoTopicCreation: true});
    const meta = await client.request(ApiKey.Metadata, 9, {topics: [{name: 'from-cli'}], allowAutoTopicCreation: true});
    expect(meta.topics[0].partitions).toHaveLength(2);
    client.close();
    run.child.kill('SIGTERM');
    const {code, stdout} = await run.exit;
    expect(code).toBe(0);
    expect(stdout).toMatch(/broker stopped/);
    expect(existsSync(path.join(dataDir, 'meta.properties'))).toBe(true);
    expect(existsSync(path.join(dataDir, 'from-cli-1'))).toBe(true);
  }, 60_000);

  it('warms its Produce and Fetch paths up in a directory of its own, which it removes', async () => {
    const dataDir = path.join(dir, 'warm');
    const run = start(['--listen', '127.0.0.1:0', '--data-dir', dataDir]);
    await run.listening;
    const mine = (names: string[]) => names.filter((name) => name.startsWith(`kstream-warm-up-${run.child.pid}-`));
    await untilTmp((names) => mine(names).length === 1);
    await untilTmp((names) => mine(names).length === 0);
    run.child.kill('SIGTERM');
    const {code, stdout, stderr} = await run.exit;
    expect(code).toBe(0);
    expect(stdout).toMatch(/broker stopped/);
    // A warm-up that stopped on an error says so in the log.
    expect(stderr).not.toMatch(/warm-up/);
    expect(readdirSync(dataDir).filter((name) => name.includes('warm-up'))).toEqual([]);
  }, 60_000);

  it('keeps every acks=all write acknowledged before a kill -9', async () => {
    const dataDir = path.join(dir, 'killed');
    const run = start(['--listen', '127.0.0.1:0', '--data-dir', dataDir, '--set', 'num.partitions=1']);
    const {port} = await run.listening;
    const client = await WireClient.connect(port);
    await client.request(ApiKey.Metadata, 9, {topics: [{name: 'durable'}], allowAutoTopicCreation: true});
    const acked: string[] = [];
    for (let i = 0; i < 50; i++) {
      const value = `write-${i}`;
      const res = await client.request(ApiKey.Produce, 9, {transactionalId: null, acks: -1, timeoutMs: 5000,
        topicData: [{name: 'durable', partitionData: [{index: 0, records: await encodeBatch({records: [{value}]})}]}]});
      if (res.responses[0].partitionResponses[0].errorCode === 0) acked.push(value);
    }
    expect(acked).toHaveLength(50);
    run.child.kill('SIGKILL');
    await run.exit;
    client.close();
    // The killed process left its pid in the lock file; a dead pid does not block the restart.
    const broker = await startBroker({dataDir, port: 0, log: () => undefined});
    try {
      const values = (await readPartition(broker.port, 'durable', 0)).map((r) => r.value!.toString());
      expect(values.slice(0, acked.length)).toEqual(acked);
    } finally {
      await broker.stop();
    }
  }, 60_000);

  it('reports a busy port in one line and exits non-zero', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const {code, stderr} = await start(['--listen', `127.0.0.1:${port}`, '--data-dir', path.join(dir, 'busy')]).exit;
      expect(code).not.toBe(0);
      expect(stderr.trim().split('\n')).toEqual([`Error: cannot listen on 127.0.0.1:${port}: the address is already in use. Stop the other process or choose another port with --listen`]);
    } finally {
      blocker.close();
    }
  }, 60_000);

  it('rejects a malformed --listen and an unknown config name', async () => {
    const bad = await start(['--listen', 'nonsense', '--data-dir', path.join(dir, 'bad')]).exit;
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--listen expects HOST:PORT/);
    const unknown = await new Promise<{code: number; stderr: string}>((resolve) => {
      execFile(process.execPath, [path.join(repo, 'bin/dev.js'), 'broker', 'start', '--listen', '127.0.0.1:0', '--data-dir', path.join(dir, 'unk'), '--set', 'no.such.thing=1'],
        {cwd: repo}, (err, _stdout, stderr) => resolve({code: err ? Number((err as {code?: number}).code ?? 1) : 0, stderr}));
    });
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/Unknown broker config name: no.such.thing/);
  }, 60_000);

  /**
   * The broker behind a shell that does not exec it, as npm runs npx's command (`sh -c`); the
   * shell is then killed, as `kill <pid of npx>` ends npm's shell. Resolves with the broker's
   * output once its end of the pipes closes (it exited).
   */
  async function behindShell(dataDir: string, env: NodeJS.ProcessEnv) {
    const shell = spawn('sh', ['-c', '"$0" "$@"; true', process.execPath, path.join(repo, 'bin/dev.js'), 'broker', 'start', '--listen', '127.0.0.1:0', '--data-dir', dataDir],
      {cwd: repo, env: {...env, NO_COLOR: '1', TMPDIR: tmp}});
    let out = '';
    shell.stdout!.on('data', (chunk: Buffer) => { out += chunk.toString(); });
    shell.stderr!.on('data', (chunk: Buffer) => { out += chunk.toString(); });
    const closed = new Promise<string>((resolve) => shell.on('close', () => resolve(out)));
    const port = await new Promise<number>((resolve, reject) => {
      shell.stdout!.on('data', () => {
        const match = /listening on \S+:(\d+)/.exec(out);
        if (match) resolve(Number(match[1]));
      });
      shell.on('exit', () => reject(new Error(`exited before listening: ${out}`)));
    });
    shell.kill('SIGKILL');
    return {port, closed};
  }

  it('started through npx, stops cleanly when npx is killed (npm does not pass the signal on)', async () => {
    const {npm_command: _, ...env} = process.env;
    const {closed} = await behindShell(path.join(dir, 'npx'), {...env, npm_command: 'exec'});
    const out = await closed;
    expect(out).toMatch(/npx \(npm exec\), which started the broker, exited, shutting down/);
    expect(out).toMatch(/broker stopped/);
  }, 60_000);

  it('started otherwise, outlives its parent (nohup, a shell that exits)', async () => {
    const {npm_command: _, ...env} = process.env;
    const dataDir = path.join(dir, 'orphan');
    const {port, closed} = await behindShell(dataDir, env);
    // Three of the checks a broker started by npx makes (every 500 ms), then it must still answer.
    await new Promise((resolve) => setTimeout(resolve, 1600));
    const client = await WireClient.connect(port);
    const res = await client.request(ApiKey.ApiVersions, 3, {clientSoftwareName: 'test', clientSoftwareVersion: '1'});
    expect(res.errorCode).toBe(0);
    client.close();
    // Its pid is in the data dir's lock file.
    process.kill(Number(readFileSync(path.join(dataDir, '.lock'), 'utf8').trim()), 'SIGTERM');
    expect(await closed).toMatch(/received SIGTERM, shutting down[\s\S]*broker stopped/);
  }, 60_000);
});
