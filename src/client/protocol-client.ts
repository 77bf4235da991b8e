/**
 * The project's own Kafka client, over the generated codec, for the APIs kafkajs lacks
 * (DescribeLogDirs, IncrementalAlterConfigs, OffsetDelete, DeleteRecords with details,
 * DescribeProducers, ...). One connection to one broker; versions are negotiated with
 * ApiVersions and each request uses the highest version both sides support.
 */
import net from 'node:net';
import {apiName, decodeResponse, encodeRequest, supportedVersions} from '../protocol/api.js';
import {KstreamError} from '../output/errors.js';
import {ConnectionOptions, tlsSocketOptions} from './connection.js';

const API_VERSIONS = 18;
const SASL_HANDSHAKE = 17;
const SASL_AUTHENTICATE = 36;

interface Pending {
  apiKey: number;
  version: number;
  resolve: (body: unknown) => void;
  reject: (err: Error) => void;
}

export function splitHostPort(address: string): {host: string; port: number} {
  const i = address.lastIndexOf(':');
  return {host: address.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(address.slice(i + 1))};
}

/** TLS failures are not "unreachable": say what the certificate check found, and what to pass. */
function connectError(address: string, err: Error, usingTls: boolean): KstreamError {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  if (/CERT|SIGNATURE|ALTNAME|ISSUER/.test(code)) {
    return new KstreamError(`TLS certificate of the broker at ${address} not accepted: ${err.message} (${code})`, {
      hint: 'Pass --tls-ca with the CA that signed the broker\'s certificate',
    });
  }
  // A plaintext Kafka listener drops a TLS ClientHello as a garbage request: the reset comes
  // during the handshake.
  if (/^ERR_SSL_|^EPROTO$/.test(code) || (usingTls && code === 'ECONNRESET')) {
    return new KstreamError(`TLS handshake with ${address} failed: ${err.message.split('\n')[0]} (${code})`, {
      hint: 'Is that a TLS listener? Leave out --tls for a plaintext one',
    });
  }
  return new KstreamError(`cannot reach the Kafka broker at ${address} (${code || err.message})`, {
    hint: 'Check -b/--brokers, KSTREAM_BROKERS or the profile; is the broker running (`kstream broker start`)?',
  });
}

export class ProtocolClient {
  private nextCorrelationId = 1;
  private readonly pending = new Map<number, Pending>();
  private buffered: Buffer = Buffer.alloc(0);
  private brokerVersions = new Map<number, {min: number; max: number}>();
  private closedError?: Error;

  private constructor(private readonly socket: net.Socket, readonly address: string, private readonly clientId: string) {
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('error', (err) => this.failAll(err));
    socket.on('close', () => this.failAll(new Error(`connection to ${address} closed`)));
  }

  /** Connect, negotiate versions and authenticate; fails within conn.timeoutSeconds. */
  static async connect(conn: ConnectionOptions, address = conn.brokers[0], clientId = 'kstream'): Promise<ProtocolClient> {
    const {host, port} = splitHostPort(address);
    // node:tls is imported only for a TLS connection: it takes 6-8 ms to load.
    const tls = conn.tls ? await import('node:tls') : undefined;
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const timer = setTimeout(() => {
        s.destroy();
        reject(new KstreamError(`timed out after ${conn.timeoutSeconds}s connecting to ${address}`, {hint: 'Is the broker running and reachable?'}));
      }, conn.timeoutSeconds * 1000);
      const onError = (err: Error) => {
        clearTimeout(timer);
        reject(connectError(address, err, Boolean(conn.tls)));
      };
      const s = tls && conn.tls
        ? tls.connect({host, port, servername: net.isIP(host) ? undefined : host, ...tlsSocketOptions(conn.tls)}, () => { clearTimeout(timer); s.off('error', onError); resolve(s); })
        : net.connect({host, port}, () => { clearTimeout(timer); s.off('error', onError); resolve(s); });
      s.once('error', onError);
    });
    socket.setNoDelay(true);
    const client = new ProtocolClient(socket, address, clientId);
    try {
      await client.negotiateVersions();
      if (conn.sasl) await client.authenticate(conn.sasl);
    } catch (err) {
      client.close();
      throw err;
    }
    return client;
  }

  /** Highest version of `apiKey` both this codec and the broker support, or undefined. */
  version(apiKey: number): number | undefined {
    const ours = supportedVersions(apiKey);
    const theirs = this.brokerVersions.get(apiKey);
    if (!ours || !theirs) return undefined;
    const v = Math.min(ours.max, theirs.max);
    return v >= Math.max(ours.min, theirs.min) ? v : undefined;
  }

  /** Send one request at the negotiated (or given) version and wait for its response body. */
  async request<T = any>(apiKey: number, body: object, version = this.version(apiKey)): Promise<T> {
    if (version === undefined) {
      throw new KstreamError(`the broker at ${this.address} does not support ${apiName(apiKey)}`, {hint: 'It may be too old for this command'});
    }
    return this.send<T>(apiKey, version, body);
  }

  close(): void {
    this.socket.destroy();
  }

  private send<T>(apiKey: number, version: number, body: object): Promise<T> {
    if (this.closedError) return Promise.reject(this.closedError);
    const correlationId = this.nextCorrelationId++;
    const frame = encodeRequest(apiKey, version, correlationId, this.clientId, body);
    return new Promise<T>((resolve, reject) => {
      this.pending.set(correlationId, {apiKey, version, resolve: resolve as (b: unknown) => void, reject});
      this.socket.write(frame);
    });
  }

  private async negotiateVersions(): Promise<void> {
    const ours = supportedVersions(API_VERSIONS)!;
    let response = await this.send<any>(API_VERSIONS, Math.min(3, ours.max), {clientSoftwareName: 'kstream', clientSoftwareVersion: '0.1.0'});
    // UNSUPPORTED_VERSION (35): the broker answered in v0 with its ranges; retry at v0.
    if (response.errorCode === 35) response = await this.send<any>(API_VERSIONS, 0, {});
    if (response.errorCode !== 0) throw new KstreamError(`ApiVersions failed at ${this.address} with error code ${response.errorCode}`);
    for (const k of response.apiKeys as Array<{apiKey: number; minVersion: number; maxVersion: number}>) {
      this.brokerVersions.set(k.apiKey, {min: k.minVersion, max: k.maxVersion});
    }
  }

  private async authenticate(sasl: NonNullable<ConnectionOptions['sasl']>): Promise<void> {
    const mechanism = sasl.mechanism.toUpperCase();
    const handshake = await this.request<any>(SASL_HANDSHAKE, {mechanism}, Math.min(1, this.version(SASL_HANDSHAKE) ?? 1));
    if (handshake.errorCode !== 0) {
      throw new KstreamError(`the broker at ${this.address} does not accept SASL ${mechanism} (it offers ${(handshake.mechanisms ?? []).join(', ') || 'none'})`);
    }
    const exchange = async (bytes: Buffer): Promise<Buffer> => {
      const r = await this.request<any>(SASL_AUTHENTICATE, {authBytes: bytes});
      if (r.errorCode !== 0) throw new KstreamError(`authentication failed at ${this.address}: ${r.errorMessage ?? `error code ${r.errorCode}`}`);
      return r.authBytes as Buffer;
    };
    if (mechanism === 'PLAIN') {
      await exchange(Buffer.from(`\0${sasl.username}\0${sasl.password}`));
      return;
    }
    // Imported for SCRAM only (with node:crypto), not on every command's start-up path.
    const {ScramConversation} = await import('./scram.js');
    const scram = new ScramConversation(mechanism === 'SCRAM-SHA-256' ? 'sha256' : 'sha512', sasl.username, sasl.password);
    const serverFirst = await exchange(scram.first());
    const serverFinal = await exchange(scram.final(serverFirst));
    scram.verify(serverFinal);
  }

  private onData(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    while (this.buffered.length >= 4) {
      const size = this.buffered.readInt32BE(0);
      if (this.buffered.length < 4 + size) return;
      const frame = this.buffered.subarray(4, 4 + size);
      this.buffered = this.buffered.subarray(4 + size);
      const correlationId = frame.readInt32BE(0);
      const pending = this.pending.get(correlationId);
      if (!pending) continue;
      this.pending.delete(correlationId);
      try {
        pending.resolve(decodeResponse(pending.apiKey, pending.version, frame).body);
      } catch (err) {
        pending.reject(err as Error);
      }
    }
  }

  private failAll(err: Error): void {
    this.closedError ??= err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}
