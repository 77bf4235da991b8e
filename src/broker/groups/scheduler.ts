/**
 * Time for the group coordinator: a clock and one-shot timers behind an interface, so session,
 * rebalance and sync timeouts run on real timers in the broker and on a manual clock in tests.
 */

export interface TimerHandle {
  cancel(): void;
}

export interface Scheduler {
  now(): number;
  /** Run `fn` once after `delayMs`; cancelling a fired or cancelled timer does nothing. */
  schedule(delayMs: number, fn: () => void): TimerHandle;
}

/** Node timers, unref'd so a forgotten group never keeps the process alive. */
export class RealScheduler implements Scheduler {
  constructor(private readonly clock: () => number = Date.now) {}

  now(): number {
    return this.clock();
  }

  schedule(delayMs: number, fn: () => void): TimerHandle {
    const timer = setTimeout(fn, Math.max(0, delayMs));
    timer.unref();
    return {cancel: () => clearTimeout(timer)};
  }
}

interface ManualTimer {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/** A clock that moves only when told to; due timers fire in deadline order. */
export class ManualScheduler implements Scheduler {
  private time: number;
  private seq = 0;
  private timers: ManualTimer[] = [];

  constructor(startMs = 1_000_000) {
    this.time = startMs;
  }

  now(): number {
    return this.time;
  }

  schedule(delayMs: number, fn: () => void): TimerHandle {
    const timer: ManualTimer = {at: this.time + Math.max(0, delayMs), seq: this.seq++, fn, cancelled: false};
    this.timers.push(timer);
    return {cancel: () => { timer.cancelled = true; }};
  }

  /** Timers still waiting to fire. */
  pending(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }

  /** Move the clock forward, firing every timer that falls due (including ones scheduled meanwhile). */
  advance(ms: number): void {
    const target = this.time + ms;
    for (;;) {
      this.timers = this.timers.filter((t) => !t.cancelled);
      const due = this.timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.time = Math.max(this.time, due.at);
      due.cancelled = true;
      due.fn();
    }
    this.time = target;
  }
}
