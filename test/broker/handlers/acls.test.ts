/**
 * DescribeAcls, CreateAcls and DeleteAcls on a broker with no authorizer: SECURITY_DISABLED with
 * Kafka's messages (AclApis), in every version, on the wire and through kafkajs and kafka-python.
 */
import {execFile, execFileSync} from 'node:child_process';
import {Kafka, logLevel} from 'kafkajs';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ApiKey} from '../../../src/protocol/api.js';
import {ErrorCode} from '../../../src/protocol/error-codes.js';
import {startTestBroker, type TestBroker} from '../helpers/broker.js';
import {WireClient} from '../helpers/wire-client.js';

let tb: TestBroker;
let wire: WireClient;
beforeAll(async () => {
  tb = await startTestBroker();
  wire = await WireClient.connect(tb.broker.port);
});
afterAll(async () => {
  wire?.close();
  await tb?.cleanup();
});

// Kafka's codes: resource type TOPIC 2 / GROUP 3 / ANY 1, pattern LITERAL 3 / PREFIXED 4 / ANY 1,
// operation READ 3 / ANY 1, permission ALLOW 3 / ANY 1.
const filter = {resourceTypeFilter: 1, resourceNameFilter: null, patternTypeFilter: 1, principalFilter: null, hostFilter: null, operation: 1, permissionType: 1};
const binding = (name: string) => ({resourceType: 2, resourceName: name, resourcePatternType: 3, principal: 'User:alice', host: '*', operation: 3, permissionType: 3});

describe('ACL APIs without an authorizer', () => {
  it('are advertised v0-v3', async () => {
    const res = await wire.request(ApiKey.ApiVersions, 3, {clientSoftwareName: 't', clientSoftwareVersion: '1'});
    const byKey = new Map(res.apiKeys.map((k: {apiKey: number}) => [k.apiKey, k]));
    for (const key of [ApiKey.DescribeAcls, ApiKey.CreateAcls, ApiKey.DeleteAcls]) {
      expect(byKey.get(key)).toEqual({apiKey: key, minVersion: 0, maxVersion: 3});
    }
  });

  it('DescribeAcls answers SECURITY_DISABLED at the top level in every version', async () => {
    for (let v = 0; v <= 3; v++) {
      const res = await wire.request(ApiKey.DescribeAcls, v, {...filter, resourceTypeFilter: 2, resourceNameFilter: 'orders', patternTypeFilter: 3});
      expect(res, `v${v}`).toEqual({throttleTimeMs: 0, errorCode: ErrorCode.SECURITY_DISABLED,
        errorMessage: 'No Authorizer is configured on the broker', resources: []});
    }
  });

  it('CreateAcls answers SECURITY_DISABLED for each creation in every version', async () => {
    for (let v = 0; v <= 3; v++) {
      const res = await wire.request(ApiKey.CreateAcls, v, {creations: [binding('a'), binding('b')]});
      const result = {errorCode: ErrorCode.SECURITY_DISABLED, errorMessage: 'No Authorizer is configured.'};
      expect(res, `v${v}`).toEqual({throttleTimeMs: 0, results: [result, result]});
    }
    expect(await wire.request(ApiKey.CreateAcls, 3, {creations: []})).toEqual({throttleTimeMs: 0, results: []});
  });

  it('DeleteAcls answers SECURITY_DISABLED with no matching ACLs for each filter in every version', async () => {
    for (let v = 0; v <= 3; v++) {
      const res = await wire.request(ApiKey.DeleteAcls, v, {filters: [filter, {...filter, resourceTypeFilter: 3}, filter]});
      const result = {errorCode: ErrorCode.SECURITY_DISABLED, errorMessage: 'No Authorizer is configured.', matchingAcls: []};
      expect(res, `v${v}`).toEqual({throttleTimeMs: 0, filterResults: [result, result, result]});
    }
  });

  it('closes the connection on an UNKNOWN (0) element, as Kafka fails to parse such a request', async () => {
    const cases: [number, number, object][] = [
      [ApiKey.DescribeAcls, 2, {...filter, operation: 0}],
      [ApiKey.DescribeAcls, 1, {...filter, patternTypeFilter: 0}],
      [ApiKey.CreateAcls, 3, {creations: [binding('a'), {...binding('b'), resourceType: 0}]}],
      [ApiKey.DeleteAcls, 0, {filters: [{...filter, permissionType: 0}]}],
    ];
    for (const [apiKey, version, body] of cases) {
      const client = await WireClient.connect(tb.broker.port);
      await expect(client.request(apiKey, version, body)).rejects.toThrow(/connection closed/);
      await client.closed;
    }
    // Other values are not checked there (Kafka compares with the UNKNOWN code only).
    expect(await wire.request(ApiKey.DescribeAcls, 3, {...filter, resourceTypeFilter: 42})).toMatchObject({errorCode: ErrorCode.SECURITY_DISABLED});
  });

  it('kafkajs admin describeAcls rejects with SECURITY_DISABLED', async () => {
    const kafka = new Kafka({clientId: 'acl-test', brokers: [`127.0.0.1:${tb.broker.port}`], logLevel: logLevel.NOTHING, retry: {retries: 0}});
    const admin = kafka.admin();
    await admin.connect();
    try {
      await expect(admin.describeAcls({resourceType: 2, resourceName: 'orders', host: '*', principal: 'User:alice', permissionType: 1, operation: 1, resourcePatternType: 3} as never))
        .rejects.toMatchObject({type: 'SECURITY_DISABLED', message: 'Security features are disabled'});
    } finally {
      await admin.disconnect();
    }
  });

  const hasKafkaPython = (() => {
    try {
      execFileSync('/usr/bin/python3', ['-c', 'import kafka'], {stdio: 'ignore'});
      return true;
    } catch {
      return false;
    }
  })();
  it.skipIf(!hasKafkaPython)('kafka-python admin describe_acls raises SecurityDisabledError', async () => {
    const script = [
      'import sys',
      'from kafka.admin import KafkaAdminClient, ACLFilter, ResourcePatternFilter, ResourceType, ACLOperation, ACLPermissionType, ACLResourcePatternType',
      'admin = KafkaAdminClient(bootstrap_servers=sys.argv[1])',
      'f = ACLFilter(principal=None, host="*", operation=ACLOperation.ANY, permission_type=ACLPermissionType.ANY,',
      '              resource_pattern=ResourcePatternFilter(ResourceType.TOPIC, None, ACLResourcePatternType.ANY))',
      'try:',
      '    admin.describe_acls(f)',
      '    print("no error")',
      'except Exception as e:',
      '    print(type(e).__name__, e.errno)',
      'admin.close()',
    ].join('\n');
    const out = await new Promise<string>((resolve, reject) => {
      execFile('/usr/bin/python3', ['-c', script, `127.0.0.1:${tb.broker.port}`], {timeout: 60_000},
        (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)));
    });
    expect(out.trim()).toBe(`SecurityDisabledError ${ErrorCode.SECURITY_DISABLED}`);
  });
});
