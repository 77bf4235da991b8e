/**
 * One request frame in, one response frame (or nothing) out. Follows Kafka's SocketServer and
 * KafkaApis: an unknown api key, an api the broker does not serve, an unsupported version or a
 * request that does not parse closes the connection; the one exception is ApiVersions, answered
 * with a v0 response carrying UNSUPPORTED_VERSION and the ApiVersions range so the client can
 * retry with a version the broker has (KIP-511).
 */
import {ApiKey, apiName, decodeRequest, decodeRequestHeader, encodeResponse, encodeResponseChunks, RequestHeader} from '../protocol/api.js';
import {ErrorCode} from '../protocol/error-codes.js';
import type {BrokerServices, ConnectionInfo, HandlerContext} from './handler.js';
import type {HandlerRegistry} from './registry.js';
import {readBuffers} from '../storage/read-buffers.js';

/** The connection must be closed; `reason` is logged as one line. */
export class CloseConnection extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'CloseConnection';
  }
}

export class RequestDispatcher {
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly registry: HandlerRegistry, private readonly services: BrokerServices) {}

  /** Resolves once no request is being handled (shutdown waits for appends to finish). */
  idle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * The encoded response as chunks (size prefix first; record sets are not copied), or null
   * when the request gets none: at once when the handler answers at once, else a promise. Throws
   * (or rejects with) CloseConnection when the connection must be closed.
   */
  dispatch(frame: Buffer, connection: ConnectionInfo): Buffer[] | null | Promise<Buffer[] | null> {
    this.inFlight++;
    let response: Buffer[] | null | Promise<Buffer[] | null>;
    try {
      response = this.handle(frame, connection);
    } catch (err) {
      this.handled();
      throw err;
    }
    if (!(response instanceof Promise)) {
      this.handled();
      return response;
    }
    return response.finally(() => this.handled());
  }

  private handled(): void {
    if (--this.inFlight === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private handle(frame: Buffer, connection: ConnectionInfo): Buffer[] | null | Promise<Buffer[] | null> {
    let header: RequestHeader;
    let bodyOffset: number;
    try {
      ({header, bodyOffset} = decodeRequestHeader(frame));
    } catch (err) {
      throw new CloseConnection(`cannot parse request header: ${(err as Error).message}`);
    }
    connection.clientId = header.clientId;
    const handler = this.registry.lookup(header.apiKey, header.apiVersion);
    if (!handler) {
      if (header.apiKey === ApiKey.ApiVersions) return this.unsupportedApiVersions(header);
      const served = this.registry.range(header.apiKey);
      throw new CloseConnection(served
        ? `unsupported version ${header.apiVersion} of ${apiName(header.apiKey)} (served: ${served.minVersion}-${served.maxVersion})`
        : `unknown or unserved api key ${header.apiKey}`);
    }
    let request: unknown;
    try {
      request = decodeRequest(header.apiKey, header.apiVersion, frame, bodyOffset);
    } catch (err) {
      throw new CloseConnection(`cannot parse ${apiName(header.apiKey)} v${header.apiVersion} request: ${(err as Error).message}`);
    }
    const ctx: HandlerContext = {header, broker: this.services, connection};
    let body: unknown;
    try {
      body = handler.handle(request, ctx);
    } catch (err) {
      ctx.arena?.release();
      throw err;
    }
    if (body instanceof Promise) {
      return body.then((b: unknown) => encodeBody(header, b, ctx), (err: unknown) => {
        ctx.arena?.release();
        throw err;
      });
    }
    return encodeBody(header, body, ctx);
  }

  private unsupportedApiVersions(header: RequestHeader): Buffer[] {
    const range = this.registry.range(ApiKey.ApiVersions);
    const apiKeys = range ? [{apiKey: range.apiKey, minVersion: range.minVersion, maxVersion: range.maxVersion}] : [];
    return [encodeResponse(ApiKey.ApiVersions, 0, header.correlationId, {
      errorCode: ErrorCode.UNSUPPORTED_VERSION,
      apiKeys,
    })];
  }
}

/** The response to `header` with `body` (none when null), then the request's reads given back. */
function encodeBody(header: RequestHeader, body: unknown, ctx: HandlerContext): Buffer[] | null {
  try {
    if (body === null) return null;
    // Chunks of 64 KiB or more come from the pool the connection gives back to once they are sent:
    // a fresh one is page-faulted in on first touch (a Fetch of 10,000 small record sets copies
    // ~5 MB into such chunks).
    return encodeResponseChunks(header.apiKey, header.apiVersion, header.correlationId, body as object, takeChunk);
  } finally {
    // The encoder copied every read the arena holds (read-arena.ts).
    ctx.arena?.release();
  }
}

function takeChunk(size: number): Buffer {
  return readBuffers.take(size);
}
