import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {brokerOptionsFromFlags, loadConfigFile, parseHostPort, parseSets} from '../../src/broker/start-options.js';
import {UsageError} from '../../src/output/errors.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'kstream-start-'));
afterAll(() => rmSync(dir, {recursive: true, force: true}));

describe('broker start options', () => {
  it('parses host:port forms', () => {
    expect(parseHostPort('127.0.0.1:9092', '--listen')).toEqual({host: '127.0.0.1', port: 9092});
    expect(parseHostPort('[::1]:0', '--listen')).toEqual({host: '::1', port: 0});
    expect(parseHostPort(':9092', '--listen')).toEqual({host: '0.0.0.0', port: 9092});
    expect(() => parseHostPort('localhost', '--listen')).toThrow(UsageError);
    expect(() => parseHostPort('h:70000', '--advertise')).toThrow(/--advertise: port 70000/);
  });

  it('parses --set pairs', () => {
    expect(parseSets(['num.partitions=3', 'a=b=c'])).toEqual({'num.partitions': '3', a: 'b=c'});
    expect(() => parseSets(['novalue'])).toThrow(/key=value/);
  });

  it('reads a YAML config file, flattening nested maps', async () => {
    const file = path.join(dir, 'broker.yaml');
    writeFileSync(file, 'num.partitions: 3\nlog:\n  retention:\n    ms: 1000\nauto.create.topics.enable: false\ncleanup.policy: [delete, compact]\n');
    expect(await loadConfigFile(file)).toEqual({
      'num.partitions': '3', 'log.retention.ms': '1000', 'auto.create.topics.enable': 'false', 'cleanup.policy': 'delete,compact',
    });
  });

  it('reports unreadable and malformed files', async () => {
    await expect(loadConfigFile(path.join(dir, 'missing.yaml'))).rejects.toThrow(/cannot read --config file/);
    const list = path.join(dir, 'list.yaml');
    writeFileSync(list, '- a\n- b\n');
    await expect(loadConfigFile(list)).rejects.toThrow(/must be a map/);
    const bad = path.join(dir, 'bad.yaml');
    writeFileSync(bad, 'a: [unclosed\n');
    await expect(loadConfigFile(bad)).rejects.toThrow(/not valid YAML/);
  });

  it('lets --set win over the file', async () => {
    const file = path.join(dir, 'both.yaml');
    writeFileSync(file, 'num.partitions: 3\n');
    const options = await brokerOptionsFromFlags({listen: '127.0.0.1:0', advertise: 'kafka.lan:19092', configFile: file, set: ['num.partitions=5'], warmUp: true});
    expect(options).toMatchObject({host: '127.0.0.1', port: 0, advertisedHost: 'kafka.lan', advertisedPort: 19092, config: {'num.partitions': '5'}, warmUp: true});
  });

  it('passes --no-warm-up on', async () => {
    expect(await brokerOptionsFromFlags({listen: '127.0.0.1:0', set: [], warmUp: false})).toMatchObject({warmUp: false});
  });
});
