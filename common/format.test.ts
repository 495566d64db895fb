// The words every verdict is printed with (CLI, app, reports): they follow the verdict, which the
// inference takes from the interval (main/analysis/inference.ts).
import { describe, it, expect } from 'vitest';
import { formatSeconds, verdictText } from './format.js';

describe('verdictText', () => {
  const labels = { otherLabel: 'lognormal c=1', baselineLabel: 'homogeneous' };

  it('names the side that is higher, or says the interval includes 0', () => {
    expect(verdictText({ ...labels, design: 'paired', verdict: 'higher' })).toBe('lognormal c=1 higher');
    expect(verdictText({ ...labels, design: 'paired', verdict: 'lower' })).toBe('homogeneous higher');
    expect(verdictText({ ...labels, design: 'unpaired', verdict: 'no clear difference' })).toBe('no clear difference (the interval includes 0)');
  });

  it('says why there is no interval, by design', () => {
    expect(verdictText({ ...labels, design: 'paired', verdict: 'no interval' })).toBe('no interval (one seed)');
    expect(verdictText({ ...labels, design: 'unpaired', verdict: 'no interval' })).toBe('no interval (fewer than two seeds on a side)');
  });
});

describe('formatSeconds', () => {
  it('says milliseconds below a tenth of a second, then seconds, minutes, hours and days', () => {
    const cases: [number, string][] = [
      [0, '0 ms'], [0.0004, '0 ms'], [0.042, '42 ms'], [0.0996, '100 ms'], [0.1, '0.1 s'], [2.94, '2.9 s'],
      [45.4, '45 s'], [89.4, '89 s'], [90, '2 min'], [725, '12 min'], [5400, '1.5 h'], [12_600, '3.5 h'], [181_440, '2.1 days'],
    ];
    for (const [s, text] of cases) expect(formatSeconds(s), String(s)).toBe(text);
  });
});
