/** The stream sinks: Kafka text split over stdout/stderr, JSON lines that parse, back-pressure. */
import {PassThrough, Writable} from 'node:stream';
import {describe, expect, it} from 'vitest';
import {jsonSink, textSink} from '../../../src/ops/dump/sinks.js';
import type {DumpEvent} from '../../../src/ops/dump/events.js';

function collect(stream: PassThrough): () => string {
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return () => Buffer.concat(chunks).toString('utf8');
}

const batch: DumpEvent = {
  type: 'batch', magic: 2, baseOffset: 9007199254740993n, lastOffset: 9007199254740993n, count: 1, baseSequence: -1, lastSequence: -1,
  producerId: -1n, producerEpoch: -1, partitionLeaderEpoch: 0, isTransactional: false, isControl: false, deleteHorizonMs: null,
  position: 0, timestampType: 'CreateTime', maxTimestamp: 1645953989826n, size: 76, compressCodec: 'none', crc: 2053038616, isValid: true,
};

describe('dump sinks', () => {
  it('text: stdout lines and stderr lines go to their streams', async () => {
    const out = new PassThrough();
    const err = new PassThrough();
    const [o, e] = [collect(out), collect(err)];
    const sink = textSink(out, err);
    sink.emit({type: 'file', file: 'x.log'});
    sink.emit({type: 'unknown-file', file: 'x.txt'});
    sink.emit({type: 'invalid-bytes', file: 'x.log', count: 3});
    await sink.close();
    expect(o()).toBe('Dumping x.log\nFound 3 invalid bytes at the end of x.log\n');
    expect(e()).toBe('Ignoring unknown file x.txt\n');
  });

  it('json: one parseable object per line, exact big offsets as strings', async () => {
    const out = new PassThrough();
    const text = collect(out);
    const sink = jsonSink(out);
    sink.emit({type: 'file', file: 'x.log'});
    sink.emit(batch);
    sink.emit({type: 'index-mismatches', file: '/x.index', mismatches: [{indexOffset: 5n, logOffset: -1n}]});
    await sink.close();
    const lines = text().trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatchObject({type: 'batch', baseOffset: '9007199254740993', maxTimestamp: 1645953989826, compressCodec: 'none', isValid: true, deleteHorizonMs: null});
    expect(lines[2]).toEqual({type: 'index-mismatches', file: '/x.index', mismatches: [{indexOffset: 5, logOffset: -1}]});
  });

  it('drain() waits while the destination is not accepting data', async () => {
    let open = false;
    const pending: (() => void)[] = [];
    const release = (): void => {
      open = true;
      pending.splice(0).forEach((cb) => cb());
    };
    const slow = new Writable({
      highWaterMark: 16,
      write(_chunk, _enc, cb) {
        if (open) cb();
        else pending.push(() => cb());
      },
    });
    const sink = jsonSink(slow);
    for (let i = 0; i < 5000; i++) sink.emit(batch);
    let drained = false;
    const waiting = sink.drain().then(() => (drained = true));
    await new Promise((r) => setImmediate(r));
    expect(drained).toBe(false);
    release();
    await waiting;
    expect(drained).toBe(true);
  });
});
