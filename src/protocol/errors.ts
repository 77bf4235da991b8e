/**
 * Errors of the wire codec. The broker turns ProtocolError into a closed connection (Kafka does
 * the same for a request it cannot parse) and UnsupportedVersionError into UNSUPPORTED_VERSION.
 */
import {KstreamError} from '../output/errors.js';

/** Truncated or malformed bytes on the wire. */
export class ProtocolError extends KstreamError {
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}

/** An api key or version the codec has no schema for. */
export class UnsupportedVersionError extends KstreamError {
  readonly apiKey: number;
  readonly apiVersion: number;

  constructor(apiKey: number, apiVersion: number, message?: string) {
    super(message ?? `unsupported api key ${apiKey} version ${apiVersion}`);
    this.name = 'UnsupportedVersionError';
    this.apiKey = apiKey;
    this.apiVersion = apiVersion;
  }
}
