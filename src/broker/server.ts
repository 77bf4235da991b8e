/**
 * The TCP listener: accepts connections and hands each to a Connection. Errors on one
 * connection never reach the server; listen errors (port in use) become one clear error.
 */
import net from 'node:net';
import {KstreamError} from '../output/errors.js';
import {Connection} from './connection.js';
import type {RequestDispatcher} from './dispatch.js';

export interface ServerOptions {
  host: string;
  port: number;
  maxRequestBytes: number;
  /** connections.max.idle.ms: close connections with no traffic for this long. */
  idleTimeoutMs: number;
  dispatcher: RequestDispatcher;
  log: (line: string) => void;
}

export class KafkaServer {
  private readonly server: net.Server;
  private readonly connections = new Set<Connection>();

  private constructor(private readonly options: ServerOptions) {
    this.server = net.createServer((socket) => this.accept(socket));
  }

  /** Start listening; resolves with the bound address once connections are accepted. */
  static async listen(options: ServerOptions): Promise<KafkaServer> {
    const server = new KafkaServer(options);
    await new Promise<void>((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException) => {
        reject(err.code === 'EADDRINUSE'
          ? new KstreamError(`cannot listen on ${options.host}:${options.port}: the address is already in use`,
            {hint: 'Stop the other process or choose another port with --listen'})
          : new KstreamError(`cannot listen on ${options.host}:${options.port}: ${err.message}`, {cause: err}));
      };
      server.server.once('error', onError);
      server.server.listen(options.port, options.host, () => {
        server.server.off('error', onError);
        server.server.on('error', (err) => options.log(`listener error: ${err.message}`));
        resolve();
      });
    });
    return server;
  }

  get port(): number {
    const address = this.server.address();
    return typeof address === 'object' && address ? address.port : this.options.port;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** Stop accepting, close every connection, resolve once the listener is closed. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const connection of this.connections) connection.close();
    this.connections.clear();
    await closed;
  }

  private accept(socket: net.Socket): void {
    const connection = new Connection(socket, this.options.dispatcher, this.options.maxRequestBytes, this.options.log);
    this.connections.add(connection);
    if (this.options.idleTimeoutMs > 0) {
      socket.setTimeout(this.options.idleTimeoutMs, () => connection.closeIfIdle());
    }
    socket.on('close', () => this.connections.delete(connection));
  }
}
