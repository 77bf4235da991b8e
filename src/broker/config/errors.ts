/** A rejected config name or value, carrying the Kafka error code the broker answers with. */
import {KstreamError} from '../../output/errors.js';

/** Kafka's INVALID_CONFIG (40) and INVALID_REQUEST (42); kept here so config code has no codec dependency. */
export const INVALID_CONFIG = 40;
export const INVALID_REQUEST = 42;

export class ConfigError extends KstreamError {
  readonly errorCode: number;

  constructor(message: string, errorCode: number = INVALID_CONFIG) {
    super(message, {exitCode: 2});
    this.name = 'ConfigError';
    this.errorCode = errorCode;
  }
}

/** Kafka's ConfigException wording: "Invalid value X for configuration N: why". */
export function invalidValue(name: string, value: string, why: string): ConfigError {
  return new ConfigError(`Invalid value ${value} for configuration ${name}: ${why}`);
}
