import { describe, expect, it } from 'vitest';
import { readCsv, tauValues } from '../src/lib/csv.js';
import { formatNumberList, parseChannels, parseNumberList } from '../src/lib/lists.js';

describe('number lists', () => {
  it('reads values, ranges and stepped ranges', () => {
    expect(parseNumberList('0, 2, 5')).toEqual({ ok: true, value: [0, 2, 5] });
    expect(parseNumberList('0..4')).toEqual({ ok: true, value: [0, 1, 2, 3, 4] });
    expect(parseNumberList('2..10 by 2; 20')).toEqual({ ok: true, value: [2, 4, 6, 8, 10, 20] });
    expect(parseNumberList('0.25 0.5 1')).toEqual({ ok: true, value: [0.25, 0.5, 1] });
    expect(parseNumberList('0.01..0.03 by 0.01')).toEqual({ ok: true, value: [0.01, 0.02, 0.03] });
  });
  it('says what is wrong', () => {
    expect(parseNumberList('1, x')).toEqual({ ok: false, error: '"x" is not a number' });
    expect(parseNumberList('5..1').ok).toBe(false);
    expect(parseNumberList('1.5', { integer: true })).toEqual({ ok: false, error: '1.5 is not a whole number' });
    expect(parseNumberList('-1', { min: 0 }).ok).toBe(false);
    expect(parseNumberList('')).toEqual({ ok: false, error: 'give at least one value' });
    expect(parseNumberList('  ', { allowEmpty: true })).toEqual({ ok: true, value: [] });
  });
  it('writes lists back compactly and reads them again', () => {
    for (const xs of [[0, 1, 2, 3, 4, 5], [2, 4, 6, 8, 10], [0, 2, 5, 10, 20], [5, 10, 20, 30], [1], [0.25, 0.5, 0.75, 1]]) {
      const text = formatNumberList(xs);
      expect(parseNumberList(text)).toEqual({ ok: true, value: xs });
    }
    expect(formatNumberList([0, 1, 2, 3, 4, 5])).toBe('0..5');
    expect(formatNumberList([2, 4, 6, 8, 10])).toBe('2..10 by 2');
  });
  it('reads channel selections', () => {
    expect(parseChannels('all', 3)).toEqual({ ok: true, value: 'all' });
    expect(parseChannels('0, 2', 3)).toEqual({ ok: true, value: [0, 2] });
    expect(parseChannels('3', 3).ok).toBe(false);
  });
});

describe('CSV of measured time constants', () => {
  it('reads a headed CSV by column and counts what it skipped', () => {
    const r = readCsv('cell,tau_ms\na,12.5\nb,20\nc,n/a\nd,31\n');
    expect(r.names).toEqual(['cell', 'tau_ms']);
    expect(r.columns[1]).toEqual([12.5, 20, 31]);
    expect(r.skipped).toEqual([4, 1]); // a, b, c, d; n/a
  });
  it('reads bare numbers separated by newlines or whitespace', () => {
    expect(readCsv('1\n2\n3\n').columns[0]).toEqual([1, 2, 3]);
    expect(readCsv('1 2\n3 4').columns).toEqual([[1, 3], [2, 4]]);
  });
  it('keeps only positive values', () => {
    expect(tauValues([3, 0, -1, 4, Number.NaN])).toEqual({ values: [3, 4], dropped: 3 });
  });
});
