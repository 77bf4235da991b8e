/**
 * The requests that one socket read completes are handled one after another in one synchronous
 * run (Connection.onData). A producer that pipelines small Produce requests sends dozens per read
 * to the same partition, and each append was one write call of its own: at 70,000 requests/s of
 * 1.2 KB, half of the broker's busy time was in those writes. Within a run the Produce handler
 * prepares its appends in one shared append round (storage/append-round.ts), opened by the first
 * that needs it; the run finishes the round when the last request has been handled, making each
 * partition's appends with one write, and only then are they answered. Nothing else runs in
 * between: the run is synchronous, and the answers are written after it in any case.
 */
import type {AppendRound} from '../storage/append-round.js';

let running = false;
let round: AppendRound | undefined;

/** Call `handle` (the requests of one read) as one run; the append round, if one was opened, is finished after it. */
export function inReadRun(handle: () => void): void {
  if (running) {
    handle();
    return;
  }
  running = true;
  try {
    handle();
  } finally {
    running = false;
    const opened = round;
    round = undefined;
    opened?.finish();
  }
}

/** The append round of the run in progress, opened with `open` at its first use; undefined outside a run. */
export function readRunRound(open: () => AppendRound): AppendRound | undefined {
  if (!running) return undefined;
  return (round ??= open());
}
