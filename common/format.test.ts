// The words every verdict is printed with (CLI, app, reports): they follow the verdict, which the
// inference takes from the interval (main/analysis/inference.ts).
import { describe, it, expect } from 'vitest';
import { verdictText } from './format.js';

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
