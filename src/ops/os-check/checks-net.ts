/** Network sysctls: socket buffer sizes, connection backlogs, TCP window scaling. */
import {CheckBase, formatBytes, unknown} from './common.js';
import {SOURCE} from './sources.js';
import type {CheckResult, Reading} from './types.js';

export const KiB = 1024;
export const MiB = 1024 * 1024;

function minimum(key: string, value: Reading<number>, min: number, show: (n: number) => string, source: string, why: string): CheckResult {
  const base: CheckBase = {
    check: key, required: `>= ${show(min)}`, severity: 'warning', fix: `sysctl -w ${key}=${min}`, source,
    remedy: {kind: 'sysctl', key, value: String(min)},
  };
  if (!value.ok) return unknown(base, value.reason);
  const current = show(value.value);
  if (value.value >= min) return {...base, current, passed: true, reason: why};
  return {...base, current, passed: false, reason: `too small: ${why}`};
}

export function checkSocketBuffer(key: 'net.core.wmem_default' | 'net.core.rmem_default' | 'net.core.wmem_max' | 'net.core.rmem_max', value: Reading<number>): CheckResult {
  const isMax = key.endsWith('_max');
  const dir = key.includes('wmem') ? 'send' : 'receive';
  const why = isMax
    ? `the largest ${dir} buffer a socket may ask for (socket.${dir}.buffer.bytes); it caps throughput on high-latency links`
    : `the ${dir} buffer every socket starts with; small buffers limit throughput per connection`;
  return minimum(key, value, isMax ? 2 * MiB : 128 * KiB, formatBytes, SOURCE.guideNet, why);
}

export function checkBacklog(key: 'net.ipv4.tcp_max_syn_backlog' | 'net.core.somaxconn', value: Reading<number>): CheckResult {
  const why = key === 'net.core.somaxconn'
    ? 'the cap on a listening socket\'s accept queue; when many clients reconnect at once the rest are dropped'
    : 'half-open connections the kernel queues; when many clients connect at once the rest are dropped or retried';
  const source = key === 'net.core.somaxconn' ? SOURCE.rpkNet : `${SOURCE.guideNet}; ${SOURCE.rpkNet}`;
  return minimum(key, value, 4096, String, source, why);
}

export function checkWindowScaling(value: Reading<number>): CheckResult {
  const key = 'net.ipv4.tcp_window_scaling';
  const base: CheckBase = {check: key, required: '1', severity: 'warning', fix: `sysctl -w ${key}=1`, source: SOURCE.guideNet, remedy: {kind: 'sysctl', key, value: '1'}};
  if (!value.ok) return unknown(base, value.reason);
  const current = String(value.value);
  if (value.value === 1) return {...base, current, passed: true, reason: 'TCP windows can grow past 64 KiB, which the socket buffer sizes above rely on'};
  return {...base, current, passed: false, reason: 'without window scaling a TCP window stops at 64 KiB whatever the socket buffers, throttling every connection with any latency'};
}
