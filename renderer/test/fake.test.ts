// The development client answers like the real api (its suites and signals are the engine's own).
import { describe, expect, it } from 'vitest';
import { API_METHODS } from '../../common/api.js';
import { createFakeClient } from '../src/api/fake.js';

describe('fake client', () => {
  it('implements every method', () => {
    const c = createFakeClient();
    for (const m of API_METHODS) expect(typeof c[m]).toBe('function');
  });

  it('pages, filters and sorts 10 000 runs', async () => {
    const c = createFakeClient();
    const all = await c.listRuns({ limit: 0 });
    expect(all.total).toBeGreaterThanOrEqual(10000);
    const page = await c.listRuns({ where: ['family=lognormal', 'n>=100'], sort: 'mean_capacity', descending: true, offset: 10, limit: 20 });
    expect(page.rows).toHaveLength(20);
    expect(page.rows.every((r) => r.family === 'lognormal' && r.n >= 100)).toBe(true);
    const caps = page.rows.map((r) => r.mean_capacity!);
    expect([...caps].sort((a, b) => b - a)).toEqual(caps);
    await expect(c.listRuns({ where: ['colour=red'] })).rejects.toMatchObject({ kind: 'input' });
  });

  it('refuses a bad network with issues naming field, value and what is allowed', async () => {
    const c = createFakeClient();
    await expect(c.previewNetwork({ n: 0, heterogeneity: { family: 'lognormal', cv: 1 } }, 1)).rejects.toMatchObject({
      kind: 'spec',
      issues: [{ path: 'n', value: '0', allowed: 'must be at least 1' }],
    });
    const p = await c.previewNetwork({ n: 200, heterogeneity: { family: 'lognormal', cv: 1 } }, 1);
    expect(p.tau.tau).toHaveLength(200);
    expect(p.tau.histogram.counts.reduce((a, b) => a + b, 0)).toBe(200);
    expect(p.eigW!.re).toHaveLength(200);
  });
});
