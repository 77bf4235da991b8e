/** startBroker warms the codec up in the background (protocol/warm-up.ts), and does not wait for it. */
import {afterEach, describe, expect, it, vi} from 'vitest';
import {ApiKey} from '../../src/protocol/api.js';
import {startTestBroker, type TestBroker} from './helpers/broker.js';
import {WireClient} from './helpers/wire-client.js';

const warmUp = vi.hoisted(() => ({calls: 0, finish: () => {}}));
vi.mock('../../src/protocol/warm-up.js', () => ({
  warmUpCodec: () => {
    warmUp.calls++;
    // Never resolved until the test says so: the broker must answer without waiting for it.
    return new Promise<void>((resolve) => (warmUp.finish = resolve));
  },
}));

let tb: TestBroker | undefined;
afterEach(async () => {
  warmUp.finish();
  await tb?.cleanup();
  tb = undefined;
});

describe('startBroker and the codec warm-up', () => {
  it('starts it once the broker listens, and answers requests before it is done', async () => {
    tb = await startTestBroker();
    expect(warmUp.calls).toBe(1);
    const client = await WireClient.connect(tb.broker.port);
    const res = await client.request(ApiKey.ApiVersions, 3, {clientSoftwareName: 'test', clientSoftwareVersion: '1'});
    expect(res.errorCode).toBe(0);
    client.close();
  });
});
