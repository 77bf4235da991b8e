/**
 * A small in-memory ZooKeeper server for Burrow's own coordination in the Burrow interop test.
 * Burrow 1.2 will not start without a ZooKeeper ensemble, and uses it for nothing Kafka needs:
 * its root znode and the lock that decides which Burrow instance sends notifications. Debian's
 * ZooKeeper needs a Java runtime and seconds to start, so the test runs this instead: ZooKeeper's
 * wire protocol for sessions, pings and the znode operations Burrow and its client (go-zookeeper)
 * send: create (persistent, ephemeral, sequential), delete, exists, getData, setData, getChildren
 * and getChildren2. Watches are accepted and never fire (nothing else changes the tree); other
 * operations get ZooKeeper's UNIMPLEMENTED error. Jute's int, long and buffer are Kafka's INT32,
 * INT64 and BYTES, so packets are read and written with the project's protocol Reader and Writer.
 */
import {createServer, type Server, type Socket} from 'node:net';
import type {AddressInfo} from 'node:net';
import {Reader} from '../../src/protocol/reader.js';
import {Writer} from '../../src/protocol/writer.js';

const OP = {create: 1, delete: 2, exists: 3, getData: 4, setData: 5, getChildren: 8, ping: 11, getChildren2: 12, create2: 15, closeSession: -11} as const;
const ERR = {ok: 0, unimplemented: -6, noNode: -101, badVersion: -103, noChildrenForEphemerals: -108, nodeExists: -110, notEmpty: -111} as const;
const EPHEMERAL = 1;
const SEQUENTIAL = 2;
const PING_XID = -2;

interface Znode {
  data: Buffer;
  version: number;
  /** Children created so far: the next sequential suffix, and ZooKeeper's cversion. */
  cversion: number;
  children: Set<string>;
  /** The owning session of an ephemeral node, 0n otherwise. */
  owner: bigint;
  czxid: bigint;
  mzxid: bigint;
  ctime: bigint;
  mtime: bigint;
}

const NO_BYTES = Buffer.alloc(0);

/** A jute string: int32 length and UTF-8, as Kafka's BYTES (-1 = null, read as empty). */
const readString = (r: Reader) => (r.nullableBytes() ?? NO_BYTES).toString('utf8');
const writeString = (w: Writer, v: string) => w.bytes(Buffer.from(v, 'utf8'));

/** The packet with its int32 length prefix, as every ZooKeeper packet is framed. */
function framed(w: Writer): Buffer {
  const body = w.finish();
  const len = Buffer.alloc(4);
  len.writeInt32BE(body.length);
  return Buffer.concat([len, body]);
}

export class ZooKeeperServer {
  private readonly nodes = new Map<string, Znode>();
  private zxid = 0n;
  private nextSession = 0x1000n;
  private readonly sockets = new Set<Socket>();

  private constructor(private readonly server: Server) {
    this.nodes.set('/', this.node(Buffer.alloc(0), 0n));
  }

  /** Listen on 127.0.0.1, on a free port. */
  static async start(): Promise<ZooKeeperServer> {
    const server = createServer();
    const zk = new ZooKeeperServer(server);
    server.on('connection', (socket) => zk.serve(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return zk;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** The paths of all znodes, sorted (for tests). */
  paths(): string[] {
    return [...this.nodes.keys()].sort();
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private node(data: Buffer, owner: bigint): Znode {
    const now = BigInt(Date.now());
    this.zxid++;
    return {data, version: 0, cversion: 0, children: new Set(), owner, czxid: this.zxid, mzxid: this.zxid, ctime: now, mtime: now};
  }

  private serve(socket: Socket): void {
    this.sockets.add(socket);
    let session: bigint | undefined;
    let pending = Buffer.alloc(0);
    const end = () => {
      this.sockets.delete(socket);
      if (session !== undefined) this.expire(session);
      session = undefined;
    };
    socket.on('close', end);
    socket.on('error', () => socket.destroy());
    socket.on('data', (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
        const packet = pending.subarray(4, 4 + pending.readInt32BE(0));
        pending = pending.subarray(4 + packet.length);
        if (session === undefined) {
          const r = new Reader(packet);
          const protocolVersion = r.int32();
          r.int64(); // last zxid seen
          const timeout = r.int32();
          session = this.nextSession++;
          socket.write(framed(new Writer().int32(protocolVersion).int32(timeout).int64(session).bytes(Buffer.alloc(16))));
          continue;
        }
        const reply = this.handle(new Reader(packet), session);
        socket.write(reply.frame);
        if (reply.close) socket.end();
      }
    });
  }

  private handle(r: Reader, session: bigint): {frame: Buffer; close?: boolean} {
    const xid = r.int32();
    const op = r.int32();
    const header = (err: number) => new Writer().int32(xid).int64(this.zxid).int32(err);
    if (op === OP.ping && xid === PING_XID) return {frame: framed(header(ERR.ok))};
    if (op === OP.closeSession) {
      this.expire(session);
      return {frame: framed(header(ERR.ok)), close: true};
    }
    try {
      return {frame: this.operation(op, r, session, header)};
    } catch (err) {
      const code = (err as {zkError?: number}).zkError;
      if (code === undefined) throw err;
      return {frame: framed(header(code))};
    }
  }

  private operation(op: number, r: Reader, session: bigint, header: (err: number) => Writer): Buffer {
    switch (op) {
      case OP.create:
      case OP.create2: {
        const path = readString(r);
        const data = r.nullableBytes() ?? NO_BYTES;
        for (let acls = r.int32(); acls > 0; acls--) { r.int32(); readString(r); readString(r); }
        const flags = r.int32();
        const created = this.create(path, data, flags, session);
        const w = writeString(header(ERR.ok), created);
        return framed(op === OP.create2 ? this.stat(w, this.nodes.get(created)!) : w);
      }
      case OP.delete: {
        const path = readString(r);
        const version = r.int32();
        const node = this.get(path);
        if (version !== -1 && version !== node.version) throw zkError(ERR.badVersion);
        if (node.children.size > 0) throw zkError(ERR.notEmpty);
        this.remove(path);
        return framed(header(ERR.ok));
      }
      case OP.exists:
        return framed(this.stat(header(ERR.ok), this.get(readString(r))));
      case OP.getData: {
        const node = this.get(readString(r));
        return framed(this.stat(header(ERR.ok).bytes(node.data), node));
      }
      case OP.setData: {
        const node = this.get(readString(r));
        const data = r.nullableBytes() ?? NO_BYTES;
        const version = r.int32();
        if (version !== -1 && version !== node.version) throw zkError(ERR.badVersion);
        node.data = data;
        node.version++;
        node.mzxid = ++this.zxid;
        node.mtime = BigInt(Date.now());
        return framed(this.stat(header(ERR.ok), node));
      }
      case OP.getChildren:
      case OP.getChildren2: {
        const node = this.get(readString(r));
        const w = header(ERR.ok).int32(node.children.size);
        for (const c of [...node.children].sort()) writeString(w, c);
        return framed(op === OP.getChildren2 ? this.stat(w, node) : w);
      }
      default:
        throw zkError(ERR.unimplemented);
    }
  }

  private get(path: string): Znode {
    const node = this.nodes.get(path);
    if (!node) throw zkError(ERR.noNode);
    return node;
  }

  private create(path: string, data: Buffer, flags: number, session: bigint): string {
    const cut = path.lastIndexOf('/');
    const parentPath = cut === 0 ? '/' : path.slice(0, cut);
    const parent = this.get(parentPath);
    if (parent.owner !== 0n) throw zkError(ERR.noChildrenForEphemerals);
    const name = (flags & SEQUENTIAL) ? `${path.slice(cut + 1)}${String(parent.cversion).padStart(10, '0')}` : path.slice(cut + 1);
    const full = parentPath === '/' ? `/${name}` : `${parentPath}/${name}`;
    if (this.nodes.has(full)) throw zkError(ERR.nodeExists);
    this.nodes.set(full, this.node(data, (flags & EPHEMERAL) ? session : 0n));
    parent.children.add(name);
    parent.cversion++;
    return full;
  }

  private remove(path: string): void {
    this.nodes.delete(path);
    const cut = path.lastIndexOf('/');
    const parent = this.nodes.get(cut === 0 ? '/' : path.slice(0, cut));
    if (parent) {
      parent.children.delete(path.slice(cut + 1));
      parent.cversion++;
    }
  }

  /** A session ended: its ephemeral nodes go. */
  private expire(session: bigint): void {
    for (const [path, node] of [...this.nodes]) if (node.owner === session) this.remove(path);
  }

  private stat(w: Writer, n: Znode): Writer {
    return w.int64(n.czxid).int64(n.mzxid).int64(n.ctime).int64(n.mtime).int32(n.version).int32(n.cversion).int32(0)
      .int64(n.owner).int32(n.data.length).int32(n.children.size).int64(n.mzxid);
  }
}

function zkError(code: number): Error {
  return Object.assign(new Error(`ZooKeeper error ${code}`), {zkError: code});
}
