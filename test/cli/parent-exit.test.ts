import {afterEach, describe, expect, it, vi} from 'vitest';
import {whenNpxExits} from '../../src/cli/parent-exit.js';

const NPX = {npm_command: 'exec'};
/** The parent this process started with, and another one (the spy is set after reading it: spied, it reads the mock). */
const PARENT = process.ppid;
const ADOPTER = PARENT + 100_000;

/** Whether `onExit` was called within `ms`, watching every 5 ms. */
async function firedWithin(ms: number, env: NodeJS.ProcessEnv): Promise<boolean> {
  let fired = false;
  const stop = whenNpxExits(() => { fired = true; }, env, 5);
  await new Promise((resolve) => setTimeout(resolve, ms));
  stop();
  return fired;
}

describe('whenNpxExits', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('fires once the parent goes (the process is adopted)', async () => {
    const watched = new Promise<void>((resolve) => whenNpxExits(resolve, NPX, 5));
    vi.spyOn(process, 'ppid', 'get').mockReturnValue(ADOPTER);
    await watched;
  });

  it('fires when npx went before the watch began (killed while the command was starting)', async () => {
    vi.spyOn(process, 'ppid', 'get').mockReturnValue(ADOPTER);
    await new Promise<void>((resolve) => whenNpxExits(resolve, NPX, 5));
  });

  it('does not fire while the parent is there, nor when the command was not started by npx', async () => {
    vi.spyOn(process, 'ppid', 'get').mockReturnValue(PARENT);
    expect(await firedWithin(50, NPX)).toBe(false);
    vi.spyOn(process, 'ppid', 'get').mockReturnValue(ADOPTER);
    expect(await firedWithin(50, {})).toBe(false);
  });
});
