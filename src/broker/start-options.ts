/**
 * Turning `kstream broker start` flags into startBroker options: host:port parsing, the YAML
 * config file (a map of Kafka config names; nested maps are joined with dots) and --set pairs,
 * with --set winning over the file. Every mistake is a UsageError naming the flag.
 */
import {promises as fsp} from 'node:fs';
import {parse as parseYaml} from 'yaml';
import {UsageError} from '../output/errors.js';
import type {BrokerOptions} from './broker.js';

export interface StartFlags {
  dataDir?: string;
  listen: string;
  advertise?: string;
  configFile?: string;
  set: string[];
  /** --no-warm-up turns it off. */
  warmUp: boolean;
}

export function parseHostPort(text: string, flag: string): {host: string; port: number} {
  // [v6::addr]:port, host:port
  const match = /^\[([^\]]+)\]:(\d+)$/.exec(text) ?? /^([^:]*):(\d+)$/.exec(text);
  if (!match) throw new UsageError(`${flag} expects HOST:PORT, got "${text}"`, 'For example 127.0.0.1:9092 or [::1]:9092');
  const port = Number(match[2]);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`${flag}: port ${match[2]} is not between 0 and 65535`);
  return {host: match[1] === '' ? '0.0.0.0' : match[1]!, port};
}

export function parseSets(pairs: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--set expects key=value, got "${pair}"`, 'For example --set num.partitions=3');
    out[pair.slice(0, eq).trim()] = pair.slice(eq + 1);
  }
  return out;
}

export async function loadConfigFile(file: string): Promise<Record<string, string>> {
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read --config file ${file}: ${(err as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new UsageError(`--config file ${file} is not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new UsageError(`--config file ${file} must be a map of Kafka config names to values`, 'For example "num.partitions: 3"');
  }
  const out: Record<string, string> = {};
  flatten(doc as Record<string, unknown>, '', out, file);
  return out;
}

function flatten(map: Record<string, unknown>, prefix: string, out: Record<string, string>, file: string): void {
  for (const [key, value] of Object.entries(map)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      flatten(value as Record<string, unknown>, name, out, file);
    } else if (Array.isArray(value)) {
      out[name] = value.map(String).join(',');
    } else if (value === null || value === undefined) {
      throw new UsageError(`--config file ${file}: ${name} has no value`);
    } else {
      out[name] = String(value);
    }
  }
}

export async function brokerOptionsFromFlags(flags: StartFlags): Promise<BrokerOptions> {
  const listen = parseHostPort(flags.listen, '--listen');
  const advertise = flags.advertise === undefined ? undefined : parseHostPort(flags.advertise, '--advertise');
  const fromFile = flags.configFile ? await loadConfigFile(flags.configFile) : {};
  return {
    dataDir: flags.dataDir,
    host: listen.host,
    port: listen.port,
    advertisedHost: advertise?.host,
    advertisedPort: advertise?.port,
    config: {...fromFile, ...parseSets(flags.set)},
    warmUp: flags.warmUp,
  };
}
