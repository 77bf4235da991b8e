import {render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {Dashboard} from '../../src/tui/dashboard.js';
import {LagApp} from '../../src/tui/app.js';
import {LagSourceContext} from '../../src/tui/use-lag-source.js';
import {frameMatching, GatedSource, KEYS, manyGroups} from './helpers.js';

afterEach(() => cleanup());

const scenario = {
  groups: [
    {groupId: 'fast', committed: {'orders:0': 1000, 'orders:1': 990}},
    {groupId: 'slow', committed: {'orders:0': 400, 'orders:1': 300}},
    {groupId: 'stopped', owned: false, committed: {'orders:0': 100, 'orders:1': 100}},
  ],
  ends: {'orders:0': 1000, 'orders:1': 1000},
};

function mount(source: GatedSource, rows = 24) {
  return render(
    <LagSourceContext.Provider value={source}>
      <LagApp intervalMs={1} clock={source.clock} target="127.0.0.1:9092" fallbackSize={{columns: 100, rows}} />
    </LagSourceContext.Provider>,
  );
}

const lines = (frame: string) => frame.split('\n');
const groupOrder = (frame: string, names: string[]) => names.map((n) => frame.indexOf(` ${n} `)).every((x, i, a) => x >= 0 && (i === 0 || x > a[i - 1]));

describe('lag dashboard', () => {
  it('shows groups sorted by lag; l/t/r/n change the sort', async () => {
    const source = new GatedSource([scenario]);
    const {lastFrame, stdin} = mount(source);
    expect(lastFrame()).toContain('waiting for the first sample');
    source.allow();
    let frame = await frameMatching(lastFrame, (f) => f.includes('stopped'), 'the groups');
    expect(groupOrder(frame, ['stopped', 'slow', 'fast'])).toBe(true);
    expect(frame).toMatch(/ERR\s+stopped\s+Empty/);
    expect(frame).toContain('sort: lag');
    stdin.write('n');
    frame = await frameMatching(lastFrame, (f) => f.includes('sort: name'), 'sort by name');
    expect(groupOrder(frame, ['fast', 'slow', 'stopped'])).toBe(true);
    stdin.write('l');
    frame = await frameMatching(lastFrame, (f) => f.includes('sort: lag'), 'sort by lag');
    expect(groupOrder(frame, ['stopped', 'slow', 'fast'])).toBe(true);
  });

  it('pages thousands of rows: never more lines than the terminal, PgDn moves a page', async () => {
    const source = new GatedSource([manyGroups(1000)]);
    const {lastFrame, stdin} = mount(source, 24);
    source.allow();
    let frame = await frameMatching(lastFrame, (f) => f.includes('page 1/'), 'a page count');
    expect(lines(frame).length).toBeLessThanOrEqual(23);
    const pages = Number(/page 1\/(\d+)/.exec(frame)![1]);
    expect(pages).toBe(Math.ceil(1000 / 19));
    expect(frame).toContain('g999'); // largest lag first
    stdin.write(KEYS.pageDown);
    frame = await frameMatching(lastFrame, (f) => f.includes('page 2/'), 'page 2');
    expect(frame).not.toContain('g999');
    expect(frame).toContain('g980');
  });

  it('Enter drills into a group (partitions and members), Esc goes back', async () => {
    const source = new GatedSource([scenario]);
    const {lastFrame, stdin} = mount(source);
    source.allow();
    await frameMatching(lastFrame, (f) => f.includes('stopped'), 'the groups');
    stdin.write(KEYS.down); // stopped -> slow
    stdin.write(KEYS.enter);
    const frame = await frameMatching(lastFrame, (f) => f.includes('MEMBERS (1)'), 'the detail view');
    expect(frame).toMatch(/slow\s+OK · Stable · lag 1300/);
    expect(frame).toMatch(/orders\s+0\s+400\s+1000\s+600/);
    expect(frame).toMatch(/orders\s+1\s+300\s+1000\s+700/);
    expect(frame).toContain('slow-client');
    expect(frame).toContain('partitions 1-2 of 2');
    stdin.write(KEYS.escape);
    await frameMatching(lastFrame, (f) => f.includes('⏎ details') && f.includes('fast'), 'the list again');
  });

  it('/ filters by name; Esc clears', async () => {
    const source = new GatedSource([scenario]);
    const {lastFrame, stdin} = mount(source);
    source.allow();
    await frameMatching(lastFrame, (f) => f.includes('stopped'), 'the groups');
    stdin.write('/');
    await frameMatching(lastFrame, (f) => f.includes('filter:'), 'the filter prompt');
    stdin.write('sl');
    stdin.write('o');
    stdin.write(KEYS.enter);
    const frame = await frameMatching(lastFrame, (f) => f.includes('filter: slo (Esc clears)'), 'the filter applied');
    expect(frame).toContain(' slow ');
    expect(frame).not.toContain(' fast ');
    expect(frame).not.toContain(' stopped ');
    stdin.write(KEYS.escape);
    await frameMatching(lastFrame, (f) => f.includes(' fast ') && !f.includes('filter:'), 'all groups again');
  });

  it('space pauses sampling and resumes it', async () => {
    const source = new GatedSource([scenario]);
    const {lastFrame, stdin} = mount(source);
    source.allow();
    await frameMatching(lastFrame, (f) => f.includes('stopped'), 'the groups');
    stdin.write(' ');
    await frameMatching(lastFrame, (f) => f.includes('[PAUSED]'), 'paused');
    const before = source.samples;
    source.allow();
    source.allow();
    // While paused no new sample starts, however many are allowed (one already waiting may finish).
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(source.samples).toBeLessThanOrEqual(before + 1);
    const whilePaused = source.samples;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(source.samples).toBe(whilePaused);
    stdin.write(' ');
    await frameMatching(lastFrame, (f) => !f.includes('[PAUSED]'), 'resumed');
    await frameMatching(lastFrame, () => source.samples > whilePaused, 'a sample after resuming');
  });

  it('shows an unreachable cluster with the last data, and recovers', async () => {
    const down = new Error('connect ECONNREFUSED 127.0.0.1:9092');
    const source = new GatedSource([scenario, down, down, scenario]);
    const {lastFrame} = mount(source);
    source.allow();
    await frameMatching(lastFrame, (f) => f.includes('stopped'), 'the groups');
    source.allow();
    let frame = await frameMatching(lastFrame, (f) => f.includes('cluster unreachable'), 'the outage');
    expect(frame).toContain('connect ECONNREF');
    expect(frame).toContain('showing data from');
    expect(frame).toContain('stopped'); // the last report stays on screen
    source.allow();
    source.allow();
    frame = await frameMatching(lastFrame, (f) => !f.includes('unreachable') && f.includes('stopped'), 'recovery');
    expect(frame).toContain('need attention');
  });

  it('fits 80 columns by dropping the least important columns; q calls quit', async () => {
    const source = new GatedSource([scenario]);
    source.allow();
    const report = await source.sample();
    let quit = 0;
    const state = {report, error: null, errorSinceMs: null, lastOkMs: 0, refreshes: 1};
    const {lastFrame, stdin} = render(<Dashboard state={state} width={80} height={24} intervalMs={2000} nowMs={0} target="b:9092" paused={false} onTogglePause={() => undefined} onQuit={() => quit++} />);
    const frame = await frameMatching(lastFrame, (f) => f.includes('stopped'), 'the groups');
    for (const line of lines(frame)) expect(line.length).toBeLessThanOrEqual(80);
    expect(frame).toContain('TIME-LAG');
    expect(frame).not.toContain('PARTS');
    stdin.write('q');
    await frameMatching(lastFrame, () => quit === 1, 'quit');
  });
});
