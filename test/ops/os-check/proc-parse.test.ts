import {describe, expect, it} from 'vitest';
import {findMountFor, parseBracketChoice, parseKernelVersion, parseMeminfo, parseMountinfo, parseOpenFileLimits} from '../../../src/ops/os-check/proc-parse.js';
import {limitsText} from './fake-host.js';

describe('parseMountinfo', () => {
  it('reads device, mount point, fs type, source and merges per-mount and super options', () => {
    const [m] = parseMountinfo('36 35 98:0 /mnt1 /mnt/parent rw,noatime master:1 - ext3 /dev/root rw,errors=continue\n');
    expect(m).toEqual({device: '98:0', mountPoint: '/mnt/parent', fsType: 'ext3', source: '/dev/root', options: ['rw', 'noatime', 'errors=continue']});
  });
  it('handles zero or several optional fields and octal escapes in paths', () => {
    const mounts = parseMountinfo([
      '1 0 8:1 / /data\\040disk rw,relatime - xfs /dev/sda1 rw,largeio',
      '2 1 8:2 / /b rw shared:1 master:2 propagate_from:3 - ext4 /dev/sda2 rw',
      'garbage line',
    ].join('\n'));
    expect(mounts.map((m) => m.mountPoint)).toEqual(['/data disk', '/b']);
    expect(mounts[0].options).toContain('largeio');
    expect(mounts[1].fsType).toBe('ext4');
  });
});

describe('findMountFor', () => {
  const mounts = parseMountinfo([
    '1 0 8:1 / / rw - ext4 /dev/sda1 rw',
    '2 1 8:2 / /var rw - xfs /dev/sda2 rw',
    '3 1 8:3 / /var/lib rw - xfs /dev/sda3 rw',
    '4 1 8:4 / /var/lib rw - ext4 /dev/sdb1 rw',
    '5 1 8:5 / /variable rw - ext4 /dev/sdc1 rw',
  ].join('\n'));
  it('picks the longest mount point that contains the path', () => {
    expect(findMountFor(mounts, '/var/log')?.device).toBe('8:2');
    expect(findMountFor(mounts, '/home/me')?.device).toBe('8:1');
  });
  it('does not treat /variable as inside /var, and lets a stacked mount win', () => {
    expect(findMountFor(mounts, '/variable/x')?.device).toBe('8:5');
    expect(findMountFor(mounts, '/var/lib/kafka')?.device).toBe('8:4');
    expect(findMountFor(mounts, '/var/lib')?.device).toBe('8:4');
  });
  it('finds nothing when no mount is listed', () => {
    expect(findMountFor([], '/x')).toBeUndefined();
  });
});

describe('parseOpenFileLimits', () => {
  it('reads soft and hard, with unlimited as Infinity', () => {
    expect(parseOpenFileLimits(limitsText('1024', '524288'))).toEqual({soft: 1024, hard: 524288});
    expect(parseOpenFileLimits(limitsText('unlimited', 'unlimited'))).toEqual({soft: Infinity, hard: Infinity});
  });
  it('is undefined without the line or with garbage values', () => {
    expect(parseOpenFileLimits('Limit Soft Hard\n')).toBeUndefined();
    expect(parseOpenFileLimits('Max open files  lots  lots  files\n')).toBeUndefined();
  });
});

describe('other parsers', () => {
  it('meminfo in bytes', () => {
    const m = parseMeminfo('MemTotal:       1000 kB\nMemAvailable:    500 kB\nHugePages_Total:       4\n');
    expect(m).toEqual({MemTotal: 1024000, MemAvailable: 512000, HugePages_Total: 4});
  });
  it('bracketed sysfs choices', () => {
    expect(parseBracketChoice('none [mq-deadline] kyber bfq')).toEqual({current: 'mq-deadline', available: ['none', 'mq-deadline', 'kyber', 'bfq']});
    expect(parseBracketChoice('none')).toEqual({current: 'none', available: ['none']});
    expect(parseBracketChoice('none mq-deadline')).toBeUndefined();
  });
  it('kernel versions', () => {
    expect(parseKernelVersion('6.8.0-45-generic')).toEqual([6, 8, 0]);
    expect(parseKernelVersion('4.19')).toEqual([4, 19, 0]);
    expect(parseKernelVersion('Linux')).toBeUndefined();
  });
});
