/**
 * ProtocolClient's SASL/SCRAM exchange end to end, against a minimal Kafka listener in the test
 * (the embedded broker has no SASL): ApiVersions, SaslHandshake and SaslAuthenticate answered by
 * the project's codec, the server side of SCRAM-SHA-256 (RFC 5802) computed here.
 */
import {createHash, createHmac, pbkdf2Sync, randomBytes} from 'node:crypto';
import net from 'node:net';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {ConnectionOptions} from '../../src/client/connection.js';
import {ProtocolClient} from '../../src/client/protocol-client.js';
import {decodeRequest, decodeRequestHeader, encodeResponse} from '../../src/protocol/api.js';
import {ApiKey} from '../../src/protocol/generated/api-keys.js';

const USER = 'ops';
const PASSWORD = 's3cret';
const SALT = randomBytes(16);
const ITERATIONS = 4096;
const salted = pbkdf2Sync(PASSWORD, SALT, ITERATIONS, 32, 'sha256');
const hmac = (key: Buffer, text: string) => createHmac('sha256', key).update(text).digest();
const storedKey = createHash('sha256').update(hmac(salted, 'Client Key')).digest();

/** The server side of one connection's SCRAM-SHA-256 exchange: each client message -> the answer. */
function scramServer(): (message: string) => {bytes: string; error?: string} {
  let clientFirstBare = '';
  let serverFirst = '';
  return (message) => {
    if (!serverFirst) {
      clientFirstBare = message.replace(/^n,,/, '');
      const nonce = /r=([^,]+)/.exec(clientFirstBare)![1];
      serverFirst = `r=${nonce}${randomBytes(12).toString('base64')},s=${SALT.toString('base64')},i=${ITERATIONS}`;
      return {bytes: serverFirst};
    }
    const withoutProof = message.replace(/,p=[^,]+$/, '');
    const authMessage = `${clientFirstBare},${serverFirst},${withoutProof}`;
    const proof = Buffer.from(/,p=([^,]+)$/.exec(message)![1], 'base64');
    const signature = hmac(storedKey, authMessage);
    const clientKey = Buffer.from(proof.map((b, i) => b ^ signature[i]));
    if (!createHash('sha256').update(clientKey).digest().equals(storedKey)) return {bytes: '', error: 'Authentication failed: Invalid username or password'};
    return {bytes: `v=${hmac(hmac(salted, 'Server Key'), authMessage).toString('base64')}`};
  };
}

let server: net.Server;
let port: number;

beforeAll(async () => {
  server = net.createServer((socket) => {
    const scram = scramServer();
    let buffered = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 4 && buffered.length >= 4 + buffered.readInt32BE(0)) {
        const frame = buffered.subarray(4, 4 + buffered.readInt32BE(0));
        buffered = buffered.subarray(4 + frame.length);
        const {header, bodyOffset} = decodeRequestHeader(frame);
        const {apiKey, apiVersion, correlationId} = header;
        const request = decodeRequest(apiKey, apiVersion, frame, bodyOffset);
        let body: object;
        if (apiKey === ApiKey.ApiVersions) {
          body = {errorCode: 0, throttleTimeMs: 0, apiKeys: [[ApiKey.ApiVersions, 0, 3], [ApiKey.SaslHandshake, 0, 1], [ApiKey.SaslAuthenticate, 0, 2]].map(([k, min, max]) => ({apiKey: k, minVersion: min, maxVersion: max}))};
        } else if (apiKey === ApiKey.SaslHandshake) {
          body = {errorCode: request.mechanism === 'SCRAM-SHA-256' ? 0 : 33, mechanisms: ['SCRAM-SHA-256']};
        } else {
          const answer = scram(Buffer.from(request.authBytes).toString('utf8'));
          body = {errorCode: answer.error ? 58 : 0, errorMessage: answer.error ?? null, authBytes: Buffer.from(answer.bytes), sessionLifetimeMs: 0n};
        }
        socket.write(encodeResponse(apiKey, apiVersion, correlationId, body));
      }
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as net.AddressInfo).port;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
});

const conn = (password: string, mechanism: 'scram-sha-256' | 'plain' = 'scram-sha-256'): ConnectionOptions =>
  ({brokers: [`127.0.0.1:${port}`], source: 'flag', sasl: {mechanism, username: USER, password}, timeoutSeconds: 5});

describe('ProtocolClient with SASL SCRAM', () => {
  it('authenticates with SCRAM-SHA-256 and checks the server signature', async () => {
    const client = await ProtocolClient.connect(conn(PASSWORD));
    expect(client.version(ApiKey.SaslAuthenticate)).toBe(2);
    client.close();
  });

  it('fails with the broker\'s message for a wrong password, and names an unoffered mechanism', async () => {
    await expect(ProtocolClient.connect(conn('wrong'))).rejects.toThrow(`authentication failed at 127.0.0.1:${port}: Authentication failed: Invalid username or password`);
    await expect(ProtocolClient.connect(conn(PASSWORD, 'plain'))).rejects.toThrow('does not accept SASL PLAIN (it offers SCRAM-SHA-256)');
  });
});
