import net from 'node:net';
import {once} from 'node:events';
import {randomBytes} from 'node:crypto';
import {afterEach, describe, expect, it} from 'vitest';
import {READ_BUFFER_BYTES, readIntoReusedBuffer} from '../../src/broker/socket-reads.js';

/** What the server side of one connection received through readIntoReusedBuffer. */
interface Accepted {
  socket: net.Socket;
  enabled: boolean;
  chunks: Buffer[];
  backing: Set<ArrayBufferLike>;
  closed: Promise<unknown>;
}

/** A server that reads every accepted socket through readIntoReusedBuffer (copying each chunk), paused if asked. */
async function listen(pauseAtStart = false) {
  const accepted: Accepted[] = [];
  const waiting: Array<(a: Accepted) => void> = [];
  const server = net.createServer((socket) => {
    const a: Accepted = {socket, enabled: false, chunks: [], backing: new Set(), closed: once(socket, 'close')};
    a.enabled = readIntoReusedBuffer(socket, (chunk) => {
      a.backing.add(chunk.buffer);
      expect(chunk.length).toBeLessThanOrEqual(READ_BUFFER_BYTES);
      a.chunks.push(Buffer.from(chunk)); // copied: the next read overwrites it
    });
    socket.on('data', () => { throw new Error('no data events expected'); });
    if (pauseAtStart) socket.pause();
    const w = waiting.shift();
    if (w) w(a); else accepted.push(a);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const clients: net.Socket[] = [];
  return {
    server,
    clients,
    /** A new client connection and its server side. */
    async connect(): Promise<{client: net.Socket; side: Accepted}> {
      const client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
      clients.push(client);
      // Listened for at once: 'connect' may come before the server side is accepted.
      const connected = once(client, 'connect');
      const side = accepted.shift() ?? await new Promise<Accepted>((resolve) => waiting.push(resolve));
      await connected;
      return {client, side};
    },
  };
}

const received = (a: Accepted) => a.chunks.reduce((n, c) => n + c.length, 0);

describe('readIntoReusedBuffer', () => {
  const servers: Array<Awaited<ReturnType<typeof listen>>> = [];
  afterEach(() => {
    for (const s of servers.splice(0)) {
      for (const c of s.clients) c.destroy();
      s.server.close();
    }
  });

  it('delivers every byte in order, two connections at once, as views of one buffer both share', async () => {
    const s = await listen();
    servers.push(s);
    const [one, two] = [await s.connect(), await s.connect()];
    const data = [randomBytes(3 * 1024 * 1024 + 17), randomBytes(2 * 1024 * 1024 + 5)];
    one.client.end(data[0]);
    two.client.end(data[1]);
    await Promise.all([one.side.closed, two.side.closed]);
    expect([one.side.enabled, two.side.enabled]).toEqual([true, true]);
    expect(Buffer.concat(one.side.chunks).equals(data[0]!)).toBe(true);
    expect(Buffer.concat(two.side.chunks).equals(data[1]!)).toBe(true);
    expect(new Set([...one.side.backing, ...two.side.backing]).size).toBe(1);
  });

  it('reads nothing while the socket is paused, and the rest after resume', async () => {
    const s = await listen(true);
    servers.push(s);
    const paused = await s.connect();
    const other = await s.connect();
    other.side.socket.resume();
    paused.client.write(Buffer.alloc(1000, 1));
    other.client.write(Buffer.alloc(10, 2));
    // The other connection's bytes, sent after, arrive: the paused one's were there to read too.
    while (received(other.side) < 10) await new Promise((resolve) => setImmediate(resolve));
    expect(received(paused.side)).toBe(0);
    paused.side.socket.resume();
    while (received(paused.side) < 1000) await new Promise((resolve) => setImmediate(resolve));
    expect(Buffer.concat(paused.side.chunks).equals(Buffer.alloc(1000, 1))).toBe(true);
  });

  it('changes nothing on a socket with no connection behind it', () => {
    expect(readIntoReusedBuffer(new net.Socket(), () => undefined)).toBe(false);
  });
});
