/**
 * The toolkit's TLS flags end to end: a TLS terminator (Node's tls server with a self-signed
 * certificate made by openssl) in front of the embedded broker, which advertises the TLS port,
 * so every connection the CLI opens (bootstrap, per-broker, kafkajs) must speak TLS.
 */
import {execFileSync} from 'node:child_process';
import {mkdtemp, readFile, rm} from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {startBroker, Broker} from '../../src/index.js';
import {runCli} from './cli-helpers.js';

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], {stdio: 'ignore'});
    return true;
  } catch {
    return false;
  }
}
const available = hasOpenssl();
if (!available) console.warn('openssl is not installed: skipping the TLS tests');

describe.skipIf(!available)('kstream over TLS', () => {
  let dir: string;
  let broker: Broker;
  let proxy: tls.Server;
  let env: Record<string, string>;
  let caFile: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'kstream-tls-'));
    caFile = path.join(dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'key.pem'), '-out', caFile,
      '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], {stdio: 'ignore'});
    const [key, cert] = await Promise.all([readFile(path.join(dir, 'key.pem')), readFile(caFile)]);
    let brokerPort = 0;
    proxy = tls.createServer({key, cert}, (socket) => {
      const upstream = net.connect(brokerPort, '127.0.0.1');
      socket.pipe(upstream).pipe(socket);
      socket.on('error', () => upstream.destroy());
      upstream.on('error', () => socket.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const tlsPort = (proxy.address() as net.AddressInfo).port;
    broker = await startBroker({dataDir: path.join(dir, 'data'), port: 0, advertisedHost: '127.0.0.1', advertisedPort: tlsPort, log: () => undefined});
    brokerPort = broker.port;
    env = {KSTREAM_BROKERS: `127.0.0.1:${tlsPort}`, KSTREAM_CONFIG_DIR: path.join(dir, 'config')};
  });
  afterAll(async () => {
    proxy?.close();
    await broker?.stop();
    await rm(dir, {recursive: true, force: true});
  });

  it('creates, describes, produces and consumes with --tls --tls-ca', async () => {
    const tlsFlags = ['--tls', '--tls-ca', caFile];
    const created = await runCli(['topics', 'create', 'secure', '-p', '2', ...tlsFlags], env);
    expect(created.stderr).toBe('');
    expect(created.stdout).toMatch(/^Created topic "secure" with 2 partition/);
    const produced = await runCli(['produce', 'secure', '-p', '1', ...tlsFlags], env, 'a\nb\nc\n');
    expect(produced.code).toBe(0);
    const described = JSON.parse((await runCli(['topics', 'describe', 'secure', '-o', 'json', ...tlsFlags], env)).stdout);
    expect(described[0].partitionDetails.map((p: any) => p.highWatermark)).toEqual([0, 3]);
    const consumed = await runCli(['consume', 'secure', '-p', '1', '-e', ...tlsFlags], env);
    expect(consumed.stdout).toBe('a\nb\nc\n');
  });

  it('refuses a certificate it cannot verify, in one line', async () => {
    const r = await runCli(['topics', 'list', '--tls', '--timeout', '5'], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Error: TLS certificate of the broker at 127\.0\.0\.1:\d+ not accepted: self[- ]signed certificate \(DEPTH_ZERO_SELF_SIGNED_CERT\)\. Pass --tls-ca/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('says so when TLS meets a plaintext listener', async () => {
    const r = await runCli(['topics', 'list', '--tls', '--tls-ca', caFile, '-b', `127.0.0.1:${broker.port}`, '--timeout', '5'], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Error: TLS handshake with 127\.0\.0\.1:\d+ failed: .*Is that a TLS listener\?/);
  });
});
