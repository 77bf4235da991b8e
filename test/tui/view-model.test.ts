import {describe, expect, it} from 'vitest';
import {INITIAL_UI, reduceKey} from '../../src/tui/keys.js';
import {fitCell, fitColumns, groupColumns, pageOf, sparkline} from '../../src/tui/view-model.js';

describe('view model', () => {
  it('pageOf keeps the selected row on the page', () => {
    expect(pageOf(1000, 0, 19)).toEqual({start: 0, size: 19, page: 0, pages: 53});
    expect(pageOf(1000, 19, 19)).toMatchObject({start: 19, page: 1});
    expect(pageOf(0, 0, 19)).toMatchObject({start: 0, pages: 1});
  });

  it('fitColumns drops low-priority columns first and gives the rest to the flex column', () => {
    const wide = fitColumns(groupColumns(), 200);
    expect(wide.map((c) => c.header)).toContain('PARTS');
    expect(wide.reduce((n, c) => n + c.width, 0) + wide.length - 1).toBe(200);
    const narrow = fitColumns(groupColumns(), 80).map((c) => c.header);
    expect(narrow).toEqual(expect.arrayContaining(['STATUS', 'GROUP', 'LAG', 'TIME-LAG', 'CONSUME', 'CATCH-UP', 'TREND']));
    expect(narrow).not.toContain('PARTS');
    const tiny = fitColumns(groupColumns(), 30).map((c) => c.header);
    expect(tiny).toEqual(['STATUS', 'GROUP', 'LAG']);
  });

  it('fitCell truncates with an ellipsis and pads', () => {
    expect(fitCell('abcdef', 4, 'left')).toBe('abc…');
    expect(fitCell('7', 3, 'right')).toBe('  7');
  });

  it('sparkline scales between its own minimum and maximum; a flat series is flat', () => {
    expect(sparkline([0, 5, 10], 10)).toBe('▁▅█');
    expect(sparkline([0, 0], 10)).toBe('▁▁');
    expect(sparkline([700, 700], 10)).toBe('▁▁');
    expect(sparkline([1000, 1010, 1020], 10)).toBe('▁▅█');
    expect(sparkline([1, 2, 3, 4], 2)).toBe('▁█');
  });
});

describe('keys', () => {
  const ctx = {groups: ['a', 'b', 'c'], pageRows: 2};
  it('moves, pages and drills in', () => {
    let ui = reduceKey(INITIAL_UI, '', {downArrow: true}, ctx).ui;
    expect(ui.selected).toBe('b');
    ui = reduceKey(ui, '', {pageDown: true}, ctx).ui;
    expect(ui.selected).toBe('c');
    ui = reduceKey(ui, '', {return: true}, ctx).ui;
    expect(ui.detail).toBe('c');
    expect(reduceKey(ui, '', {escape: true}, ctx).ui.detail).toBeNull();
  });
  it('typing a filter does not trigger commands (q is a letter there)', () => {
    let ui = reduceKey(INITIAL_UI, '/', {}, ctx).ui;
    const typed = reduceKey(ui, 'q', {}, ctx);
    expect(typed.action).toBeNull();
    ui = reduceKey(typed.ui, '', {return: true}, ctx).ui;
    expect(ui).toMatchObject({filter: 'q', editingFilter: false});
    expect(reduceKey(ui, 'q', {}, ctx).action).toBe('quit');
    expect(reduceKey(ui, ' ', {}, ctx).action).toBe('toggle-pause');
  });
});
