/**
 * The codec warm-up must run what it claims to: every warm-up request decodes to all its
 * partitions and every response carries them (a misnamed field would be encoded as its empty
 * default and warm nothing), and it runs in the background, one step per turn of the event loop.
 */
import {describe, expect, it} from 'vitest';
import {ApiKey, decodeResponse} from '../../src/protocol/api.js';
import {WARM_UP_PARTITIONS, warmUpCodec, warmUpMessages, warmUpSteps} from '../../src/protocol/warm-up.js';

/** The partitions of a Produce or Fetch request or response body, whichever the message is. */
function partitionsOf(apiKey: number, body: any, side: 'request' | 'response'): any[] {
  if (apiKey === ApiKey.Produce) return side === 'request' ? body.topicData[0].partitionData : body.responses[0].partitionResponses;
  return side === 'request' ? body.topics[0].partitions : body.responses[0].partitions;
}

describe('codec warm-up', () => {
  it('warms Produce and Fetch, flexible versions and not, topic names and topic ids', () => {
    const kinds = warmUpMessages().map((m) => `${m.apiKey}v${m.version}`);
    expect(kinds).toEqual(['0v7', '0v9', '1v11', '1v12', '1v13']);
  });

  it('decodes every partition of each request and encodes every partition of each response', () => {
    for (const m of warmUpMessages()) {
      const [decodeStep, encodeStep] = warmUpSteps(m);
      const request = decodeStep() as any;
      const partitions = partitionsOf(m.apiKey, request, 'request');
      expect(partitions, `${m.apiKey} v${m.version}`).toHaveLength(WARM_UP_PARTITIONS);
      const last = partitions[WARM_UP_PARTITIONS - 1];
      if (m.apiKey === ApiKey.Produce) expect(last.records).toEqual(Buffer.alloc(80, 1));
      else expect(last.fetchOffset).toBe(BigInt(WARM_UP_PARTITIONS - 1));
      if (m.version >= 13) expect(request.topics[0].topicId).toBe('AAAAAAAAAAAAAAAAAAAAAQ');

      const frame = Buffer.concat(encodeStep());
      expect(frame.readInt32BE(0)).toBe(frame.length - 4);
      const response = decodeResponse(m.apiKey, m.version, frame.subarray(4)).body;
      const answered = partitionsOf(m.apiKey, response, 'response');
      expect(answered, `${m.apiKey} v${m.version}`).toHaveLength(WARM_UP_PARTITIONS);
      if (m.apiKey === ApiKey.Fetch) expect(answered[WARM_UP_PARTITIONS - 1].records).toEqual(Buffer.alloc(80, 1));
      else expect(answered[WARM_UP_PARTITIONS - 1].baseOffset).toBe(BigInt(WARM_UP_PARTITIONS - 1));
    }
  });

  it('runs once per process, one step per turn of the event loop', async () => {
    const steps = warmUpMessages().length * 2 * 2; // two steps per message, two rounds
    let turns = 0;
    let done = false;
    const count = () => {
      turns++;
      if (!done) setImmediate(count);
    };
    setImmediate(count);
    const first = warmUpCodec();
    expect(warmUpCodec()).toBe(first);
    await first;
    done = true;
    // Other callbacks ran between the steps: at least one turn per step.
    expect(turns).toBeGreaterThanOrEqual(steps);
  });
});
