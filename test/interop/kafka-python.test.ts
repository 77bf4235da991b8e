/**
 * Another client library than kafkajs and librdkafka: kafka-python (Debian's python3-kafka),
 * when it is installed (.ci/run installs it). Skips with a message otherwise.
 */
import {execFile, execFileSync} from 'node:child_process';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {startTestBroker, TestBroker} from '../broker/helpers/broker.js';

const PYTHON = '/usr/bin/python3';
function hasKafkaPython(): boolean {
  try {
    execFileSync(PYTHON, ['-c', 'import kafka'], {stdio: 'ignore'});
    return true;
  } catch {
    return false;
  }
}
const available = hasKafkaPython();
if (!available) console.warn('kafka-python is not installed (apt-get install python3-kafka): skipping its interop test');

describe.skipIf(!available)('kafka-python against the embedded broker', () => {
  let tb: TestBroker;
  beforeAll(async () => {
    tb = await startTestBroker();
  });
  afterAll(async () => tb?.cleanup());

  it('creates a topic, produces plain and gzip, consumes in a group, commits, and administers', async () => {
    const script = path.join(__dirname, 'python/kafka_python_client.py');
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(PYTHON, [script, `127.0.0.1:${tb.broker.port}`], {timeout: 90_000}, (err, out, errOut) => (err ? reject(new Error(`${err.message}\n${errOut}`)) : resolve(out)));
    });
    const r = JSON.parse(stdout.trim().split('\n').pop()!);
    expect(r.topics).toContain('py-topic');
    const expected = [...Array.from({length: 1000}, (_, i) => `None-${i}`), ...Array.from({length: 1000}, (_, i) => `gzip-${i}`)].sort();
    expect(r.consumed).toEqual(expected);
    expect(r.committed).toEqual(r.end);
    expect(r.end.reduce((a: number, b: number) => a + b, 0)).toBe(2000);
    expect(r.offsetAtZero).toBe(0);
    expect(r.groups).toEqual(['py-group']);
    expect(r.groupState).toBe('Empty');
    expect(r.groupOffsets).toEqual([...r.end].sort((a: number, b: number) => a - b));
    expect(r.topicsAfterDelete).not.toContain('py-topic');
  });
});
