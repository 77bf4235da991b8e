import {describe, expect, it} from 'vitest';
import {
  deleteDirName, formatOffset, isDeleteDirName, logDirName, parseLogDirName, parseSegmentFileName, segmentFileName,
} from '../../src/storage/filenames.js';

describe('Kafka file names', () => {
  it('pads base offsets to 20 digits', () => {
    expect(segmentFileName(0n, 'log')).toBe('00000000000000000000.log');
    expect(segmentFileName(368769n, 'index')).toBe('00000000000000368769.index');
    expect(segmentFileName(9223372036854775807n, 'timeindex')).toBe('09223372036854775807.timeindex');
    expect(segmentFileName(22n, 'snapshot')).toBe('00000000000000000022.snapshot');
    expect(segmentFileName(5n, 'log', '.deleted')).toBe('00000000000000000005.log.deleted');
    expect(() => formatOffset(-1n)).toThrow(/negative/);
  });

  it('parses segment file names and rejects others', () => {
    expect(parseSegmentFileName('00000000000000000042.timeindex')).toEqual({baseOffset: 42n, kind: 'timeindex', extraSuffix: ''});
    expect(parseSegmentFileName('00000000000000000042.log.swap')).toEqual({baseOffset: 42n, kind: 'log', extraSuffix: '.swap'});
    expect(parseSegmentFileName('42.log')).toBeUndefined();
    expect(parseSegmentFileName('00000000000000000042.log.tmp')).toBeUndefined();
    expect(parseSegmentFileName('leader-epoch-checkpoint')).toBeUndefined();
  });

  it('maps topic-partition directories, with dashes in topic names', () => {
    expect(logDirName('orders', 3)).toBe('orders-3');
    expect(parseLogDirName('__consumer_offsets-49')).toEqual({topic: '__consumer_offsets', partition: 49});
    expect(parseLogDirName('my-topic-name-12')).toEqual({topic: 'my-topic-name', partition: 12});
    expect(parseLogDirName('nopartition')).toBeUndefined();
    expect(parseLogDirName('topic-x')).toBeUndefined();
    const deleted = deleteDirName('orders', 0, '0123456789abcdef0123456789abcdef');
    expect(deleted).toBe('orders-0.0123456789abcdef0123456789abcdef-delete');
    expect(isDeleteDirName(deleted)).toBe(true);
    expect(parseLogDirName(deleted)).toBeUndefined();
  });
});
