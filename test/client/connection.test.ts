import {describe, expect, it} from 'vitest';
import {parseBrokerList, resolveConnection} from '../../src/client/connection.js';
import {UsageError} from '../../src/output/errors.js';

const profiles = {
  current: 'local',
  profiles: {
    local: {brokers: ['127.0.0.1:9092']},
    prod: {brokers: ['k1:9093', 'k2:9093'], tls: {enabled: true, ca: 'ca.pem'}, sasl: {mechanism: 'scram-sha-512' as const, username: 'ops'}},
  },
};

describe('resolveConnection', () => {
  it('prefers -b over the environment over the profile over the default', () => {
    expect(resolveConnection({brokers: 'a:1'}, profiles, {KSTREAM_BROKERS: 'b:2'})).toMatchObject({brokers: ['a:1'], source: 'flag'});
    expect(resolveConnection({}, profiles, {KSTREAM_BROKERS: 'b:2,c:3'})).toMatchObject({brokers: ['b:2', 'c:3'], source: 'env'});
    expect(resolveConnection({}, profiles, {})).toMatchObject({brokers: ['127.0.0.1:9092'], source: 'profile', profile: 'local'});
    expect(resolveConnection({}, {profiles: {}}, {})).toMatchObject({brokers: ['127.0.0.1:9092'], source: 'default'});
  });

  it('takes TLS and SASL from the profile, the password only from the environment', () => {
    const conn = resolveConnection({profile: 'prod'}, profiles, {KSTREAM_SASL_PASSWORD: 's3cret'});
    expect(conn.tls).toEqual({ca: 'ca.pem', cert: undefined, key: undefined});
    expect(conn.sasl).toEqual({mechanism: 'scram-sha-512', username: 'ops', password: 's3cret'});
    expect(() => resolveConnection({profile: 'prod'}, profiles, {})).toThrow(expect.objectContaining({hint: expect.stringMatching(/KSTREAM_SASL_PASSWORD/)}));
  });

  it('rejects an unknown profile, mechanism or address with a usage error', () => {
    expect(() => resolveConnection({profile: 'nope'}, profiles, {})).toThrow(UsageError);
    expect(() => resolveConnection({'sasl-mechanism': 'gssapi', 'sasl-username': 'u'}, profiles, {KSTREAM_SASL_PASSWORD: 'x'})).toThrow(/unknown SASL mechanism/);
    expect(() => parseBrokerList('localhost')).toThrow(/invalid broker address "localhost"/);
    expect(() => parseBrokerList('h:70000')).toThrow(/invalid broker address/);
    expect(parseBrokerList(' h:1 , [::1]:9092 ')).toEqual(['h:1', '[::1]:9092']);
  });
});
