/**
 * Request/response framing over the generic codec: headers (request v0-v2, response v0-v1),
 * size prefixes, api key lookup and version support, all derived from the generated schemas.
 */
import {decodeMessage, encodeMessage} from './codec.js';
import {ProtocolError, UnsupportedVersionError} from './errors.js';
import {ApiKey} from './generated/api-keys.js';
import {MESSAGES} from './generated/schemas.js';
import {Reader} from './reader.js';
import {inRange, type MessageSchema} from './schema.js';
import {Writer} from './writer.js';

export {ApiKey};
export type {ApiKeyName} from './generated/api-keys.js';
export {ProtocolError, UnsupportedVersionError};

export interface RequestHeader {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
}

const requests = new Map<number, MessageSchema>();
const responses = new Map<number, MessageSchema>();
const byName = new Map<string, MessageSchema>();
for (const m of MESSAGES) {
  byName.set(m.name, m);
  if (m.apiKey === undefined) continue;
  if (m.type === 'request') requests.set(m.apiKey, m);
  else if (m.type === 'response') responses.set(m.apiKey, m);
}

/** The schema of a message by its definition name (e.g. "OffsetCommitValue", "FetchRequest"). */
export function schemaByName(name: string): MessageSchema | undefined {
  return byName.get(name);
}

export function requestSchema(apiKey: number): MessageSchema | undefined {
  return requests.get(apiKey);
}

export function responseSchema(apiKey: number): MessageSchema | undefined {
  return responses.get(apiKey);
}

/** Every api key the definitions know, ascending. */
export function apiKeys(): number[] {
  return [...requests.keys()].sort((a, b) => a - b);
}

/** Versions the definitions (hence this codec) support for an api key. */
export function supportedVersions(apiKey: number): {min: number; max: number} | undefined {
  const m = requests.get(apiKey);
  return m ? {min: m.validVersions[0], max: m.validVersions[1]} : undefined;
}

/** Whether a request version uses flexible encodings; like Kafka, judged by flexibleVersions alone. */
export function isFlexible(apiKey: number, apiVersion: number): boolean {
  return inRange(requests.get(apiKey)?.flexibleVersions, apiVersion);
}

/** "Produce", "Fetch", ... or "UnknownApi(<key>)". */
export function apiName(apiKey: number): string {
  const m = requests.get(apiKey);
  return m ? m.name.replace(/Request$/, '') : `UnknownApi(${apiKey})`;
}

export function requestHeaderVersion(apiKey: number, apiVersion: number): number {
  // ControlledShutdown v0 predates the client id.
  if (apiKey === ApiKey.ControlledShutdown && apiVersion === 0) return 0;
  return isFlexible(apiKey, apiVersion) ? 2 : 1;
}

export function responseHeaderVersion(apiKey: number, apiVersion: number): number {
  // ApiVersions responses always use header v0 so that any client can read the error code.
  if (apiKey === ApiKey.ApiVersions) return 0;
  return isFlexible(apiKey, apiVersion) ? 1 : 0;
}

function checkVersion(schema: MessageSchema | undefined, apiKey: number, apiVersion: number): MessageSchema {
  if (!schema || !inRange(schema.validVersions, apiVersion)) {
    throw new UnsupportedVersionError(apiKey, apiVersion, `unsupported version ${apiVersion} of ${apiName(apiKey)}`);
  }
  return schema;
}

/**
 * Reads the request header of `frame` (one request without its size prefix). Unknown keys and
 * versions still get a header (v1 layout) so the server can answer UNSUPPORTED_VERSION.
 */
export function decodeRequestHeader(frame: Buffer): {header: RequestHeader; bodyOffset: number} {
  const r = new Reader(frame);
  const apiKey = r.int16();
  const apiVersion = r.int16();
  const correlationId = r.int32();
  const headerVersion = requestHeaderVersion(apiKey, apiVersion);
  // The client id keeps the old int16 length even in header v2, so any broker can read it.
  const clientId = headerVersion >= 1 ? r.nullableString() : null;
  if (headerVersion >= 2) r.taggedFields();
  return {header: {apiKey, apiVersion, correlationId, clientId}, bodyOffset: r.offset};
}

/** Decodes a request body. Throws ProtocolError on malformed input. */
export function decodeRequest<T = any>(apiKey: number, apiVersion: number, frame: Buffer, bodyOffset: number): T {
  const schema = checkVersion(requests.get(apiKey), apiKey, apiVersion);
  return decodeMessage(schema, apiVersion, new Reader(frame, bodyOffset)) as T;
}

function finishFrame(w: Writer): Buffer {
  const frame = w.finish();
  frame.writeInt32BE(frame.length - 4, 0);
  return frame;
}

/** A whole response frame, size prefix and response header included. */
export function encodeResponse(apiKey: number, apiVersion: number, correlationId: number, body: object): Buffer {
  const schema = checkVersion(responses.get(apiKey), apiKey, apiVersion);
  const w = new Writer();
  w.int32(0).int32(correlationId);
  if (responseHeaderVersion(apiKey, apiVersion) >= 1) w.uvarint(0);
  encodeMessage(schema, apiVersion, body, w);
  return finishFrame(w);
}

/**
 * Like encodeResponse but without joining: the frame as chunks (first one starts with the size
 * prefix), so large Fetch record sets go to the socket without being copied (socket.cork + write each).
 * `allocate` gives the writer's chunks (see Writer).
 */
export function encodeResponseChunks(apiKey: number, apiVersion: number, correlationId: number, body: object,
  allocate?: (size: number) => Buffer): Buffer[] {
  const schema = checkVersion(responses.get(apiKey), apiKey, apiVersion);
  const w = new Writer(undefined, allocate);
  w.int32(0).int32(correlationId);
  if (responseHeaderVersion(apiKey, apiVersion) >= 1) w.uvarint(0);
  encodeMessage(schema, apiVersion, body, w);
  const size = w.length - 4;
  const chunks = w.finishChunks();
  chunks[0]!.writeInt32BE(size, 0);
  return chunks;
}

/** A whole request frame, size prefix and request header included. */
export function encodeRequest(apiKey: number, apiVersion: number, correlationId: number, clientId: string | null, body: object): Buffer {
  const schema = checkVersion(requests.get(apiKey), apiKey, apiVersion);
  const w = new Writer();
  w.int32(0).int16(apiKey).int16(apiVersion).int32(correlationId);
  const headerVersion = requestHeaderVersion(apiKey, apiVersion);
  if (headerVersion >= 1) w.string(clientId);
  if (headerVersion >= 2) w.uvarint(0);
  encodeMessage(schema, apiVersion, body, w);
  return finishFrame(w);
}

/** Decodes a response frame (without its size prefix). */
export function decodeResponse<T = any>(apiKey: number, apiVersion: number, frame: Buffer): {correlationId: number; body: T} {
  const schema = checkVersion(responses.get(apiKey), apiKey, apiVersion);
  const r = new Reader(frame);
  const correlationId = r.int32();
  if (responseHeaderVersion(apiKey, apiVersion) >= 1) r.taggedFields();
  return {correlationId, body: decodeMessage(schema, apiVersion, r) as T};
}

function dataSchema(schemaName: string, version: number): MessageSchema {
  const schema = byName.get(schemaName);
  if (!schema) throw new ProtocolError(`unknown message schema "${schemaName}"`);
  if (!inRange(schema.validVersions, version)) {
    throw new UnsupportedVersionError(-1, version, `unsupported version ${version} of ${schemaName}`);
  }
  return schema;
}

/**
 * Encodes a "data" schema (OffsetCommitKey, GroupMetadataValue, ConsumerProtocolAssignment, ...).
 * Only the struct: the int16 version prefix that __consumer_offsets records carry is the caller's.
 */
export function encodeData(schemaName: string, version: number, obj: object): Buffer {
  const w = new Writer(128);
  encodeMessage(dataSchema(schemaName, version), version, obj, w);
  return w.finish();
}

/** Decodes a "data" schema struct at `offset` (no version prefix is read). */
export function decodeData<T = any>(schemaName: string, version: number, buf: Buffer, offset = 0): T {
  return decodeMessage(dataSchema(schemaName, version), version, new Reader(buf, offset)) as T;
}
