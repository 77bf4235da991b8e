/**
 * A small in-memory ZooKeeper server for Burrow's own coordination in the Burrow interop test.
 * Burrow 1.2 will not start without a ZooKeeper ensemble, and uses it for nothing Kafka needs:
 * its root znode and the lock that decides which Burrow instance sends notifications. Debian's
 * ZooKeeper needs a Java runtime and seconds to start, so the test runs this instead: ZooKeeper's
 * wire protocol (jute, big-endian) for sessions, pings and the znode operations Burrow and its
 * client (go-zookeeper) send: create (persistent, ephemeral, sequential), delete, exists, getData,
 * setData, getChildren and getChildren2. Watches are accepted and never fire (nothing else changes
 * the tree); other operations get ZooKeeper's UNIMPLEMENTED error.
 */
import {createServer, type Server, type Socket} from 'node:net';
import type {AddressInfo} from 'node:net';

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

class Reader {
  private pos = 0;
  constructor(private readonly buf: Buffer) {}
  int(): number { const v = this.buf.readInt32BE(this.pos); this.pos += 4; return v; }
  long(): bigint { const v = this.buf.readBigInt64BE(this.pos); this.pos += 8; return v; }
  bool(): boolean { return this.buf[this.pos++] !== 0; }
  buffer(): Buffer {
    const n = this.int();
    if (n < 0) return Buffer.alloc(0);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
  string(): string { return this.buffer().toString('utf8'); }
}

class Writer {
  private readonly parts: Buffer[] = [];
  int(v: number): this { const b = Buffer.alloc(4); b.writeInt32BE(v); this.parts.push(b); return this; }
  long(v: bigint): this { const b = Buffer.alloc(8); b.writeBigInt64BE(v); this.parts.push(b); return this; }
  bool(v: boolean): this { this.parts.push(Buffer.from([v ? 1 : 0])); return this; }
  buffer(v: Buffer): this { this.int(v.length); this.parts.push(v); return this; }
  string(v: string): this { return this.buffer(Buffer.from(v, 'utf8')); }
  /** The bytes with their int32 length prefix, as every ZooKeeper packet is framed. */
  framed(): Buffer {
    const body = Buffer.concat(this.parts);
    const len = Buffer.alloc(4);
    len.writeInt32BE(body.length);
    return Buffer.concat([len, body]);
  }
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
          const protocolVersion = r.int();
          r.long(); // last zxid seen
          const timeout = r.int();
          session = this.nextSession++;
          socket.write(new Writer().int(protocolVersion).int(timeout).long(session).buffer(Buffer.alloc(16)).framed());
          continue;
        }
        const reply = this.handle(new Reader(packet), session);
        socket.write(reply.frame);
        if (reply.close) socket.end();
      }
    });
  }

  private handle(r: Reader, session: bigint): {frame: Buffer; close?: boolean} {
    const xid = r.int();
    const op = r.int();
    const header = (err: number) => new Writer().int(xid).long(this.zxid).int(err);
    if (op === OP.ping && xid === PING_XID) return {frame: header(ERR.ok).framed()};
    if (op === OP.closeSession) {
      this.expire(session);
      return {frame: header(ERR.ok).framed(), close: true};
    }
    try {
      return {frame: this.operation(op, r, session, header)};
    } catch (err) {
      const code = (err as {zkError?: number}).zkError;
      if (code === undefined) throw err;
      return {frame: header(code).framed()};
    }
  }

  private operation(op: number, r: Reader, session: bigint, header: (err: number) => Writer): Buffer {
    switch (op) {
      case OP.create:
      case OP.create2: {
        const path = r.string();
        const data = r.buffer();
        for (let acls = r.int(); acls > 0; acls--) { r.int(); r.string(); r.string(); }
        const flags = r.int();
        const created = this.create(path, data, flags, session);
        const w = header(ERR.ok).string(created);
        return (op === OP.create2 ? this.stat(w, this.nodes.get(created)!) : w).framed();
      }
      case OP.delete: {
        const path = r.string();
        const version = r.int();
        const node = this.get(path);
        if (version !== -1 && version !== node.version) throw zkError(ERR.badVersion);
        if (node.children.size > 0) throw zkError(ERR.notEmpty);
        this.remove(path);
        return header(ERR.ok).framed();
      }
      case OP.exists:
        return this.stat(header(ERR.ok), this.get(r.string())).framed();
      case OP.getData: {
        const node = this.get(r.string());
        return this.stat(header(ERR.ok).buffer(node.data), node).framed();
      }
      case OP.setData: {
        const node = this.get(r.string());
        const data = r.buffer();
        const version = r.int();
        if (version !== -1 && version !== node.version) throw zkError(ERR.badVersion);
        node.data = data;
        node.version++;
        node.mzxid = ++this.zxid;
        node.mtime = BigInt(Date.now());
        return this.stat(header(ERR.ok), node).framed();
      }
      case OP.getChildren:
      case OP.getChildren2: {
        const node = this.get(r.string());
        const w = header(ERR.ok).int(node.children.size);
        for (const c of [...node.children].sort()) w.string(c);
        return (op === OP.getChildren2 ? this.stat(w, node) : w).framed();
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
    return w.long(n.czxid).long(n.mzxid).long(n.ctime).long(n.mtime).int(n.version).int(n.cversion).int(0)
      .long(n.owner).int(n.data.length).int(n.children.size).long(n.mzxid);
  }
}

function zkError(code: number): Error {
  return Object.assign(new Error(`ZooKeeper error ${code}`), {zkError: code});
}
