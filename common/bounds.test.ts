// The documented bounds of a spec (README, docs/model.md): each is tested at the bound (accepted)
// and one past it (refused, with a message naming the field, the value and the bound), so that a
// bound removed or moved fails here.
import { describe, it, expect } from 'vitest';
import { refusal } from '../test/fixtures/spec-refusal.js';
import { MAX_LIST, MAX_RUNS, MAX_SEGMENT_STEPS, SuiteSchema } from './spec.js';
import { MAX_SPEC_DEPTH, depthOf, parseExperiment, parseWith } from './validate.js';


const list = (length: number, at: (i: number) => unknown) => Array.from({ length }, (_, i) => at(i));

describe('documented bounds of a spec', () => {
  it('pins the bounds as documented', () => {
    expect(MAX_LIST).toBe(1000);
    expect(MAX_SEGMENT_STEPS).toBe(10_000_000);
    expect(MAX_RUNS).toBe(1_000_000);
    expect(MAX_SPEC_DEPTH).toBe(32);
  });

  it('network.n: at most 20000', () => {
    expect(parseExperiment({ name: 'x', network: { n: 20000 } }).network.n).toBe(20000);
    expect(refusal({ name: 'x', network: { n: 20001 } })).toContain('network.n: got 20001; must be at most 20000');
  });

  it('sweep.n: each entry at most 20000', () => {
    expect(parseExperiment({ name: 'x', sweep: { n: [10, 20000] } }).sweep.n).toEqual([10, 20000]);
    expect(refusal({ name: 'x', sweep: { n: [10, 20001] } })).toContain('sweep.n[1]: got 20001; must be at most 20000');
  });

  it('every segment: at most 10 000 000 steps', () => {
    for (const segment of ['washout', 'train', 'validation', 'test']) {
      const at = parseExperiment({ name: 'x', input: { segments: { [segment]: 10_000_000 } } });
      expect(at.input.segments[segment as keyof typeof at.input.segments]).toBe(10_000_000);
      expect(refusal({ name: 'x', input: { segments: { [segment]: 10_000_001 } } })).toContain(`input.segments.${segment}: got 10000001; must be at most 10000000`);
    }
  });

  it('every sweep list: at most 1000 entries', () => {
    const lists: Record<string, (i: number) => unknown> = {
      heterogeneity: (i) => ({ family: 'lognormal', cv: i / 200 }),
      n: (i) => 10 + i,
      trainLength: (i) => 1 + i,
      manipulations: (i) => ({ label: `m${i}`, ops: [{ op: 'scaleGain', factor: i / 1000 }] }),
      tauMean: (i) => 1 + i,
    };
    for (const [key, at] of Object.entries(lists)) {
      const ok = parseExperiment({ name: 'x', sweep: { [key]: list(1000, at) } });
      expect((ok.sweep as Record<string, unknown>)[key], key).toHaveLength(1000);
      expect(refusal({ name: 'x', sweep: { [key]: list(1001, at) } })).toContain(`sweep.${key}: got [`);
      expect(refusal({ name: 'x', sweep: { [key]: list(1001, at) } })).toContain('must be at most 1000 item(s)');
    }
  });

  it('every list of a task family: at most 1000 entries', () => {
    const families: [string, string, (i: number) => number][] = [
      ['delay', 'delays', (i) => i],
      ['product', 'delays', (i) => i],
      ['xor', 'delays', (i) => i],
      ['window', 'windows', (i) => 1 + i],
      ['narma', 'orders', (i) => 1 + i],
      ['forecast', 'horizons', (i) => 1 + i],
    ];
    for (const [family, key, at] of families) {
      const suite = (length: number) => ({ name: 's', families: [{ family, [key]: list(length, at) }] });
      expect(() => parseExperiment({ name: 'x', suite: suite(1000) }), family).not.toThrow();
      expect(refusal({ name: 'x', suite: suite(1001) })).toContain('suite: got {');
      // (inside an experiment the suite is a union with "default", whose message names no field;
      // the suite on its own names it)
      expect(() => parseWith(SuiteSchema, suite(1001), 'task suite')).toThrow(`families[0].${key}: got [`);
      expect(() => parseWith(SuiteSchema, suite(1001), 'task suite')).toThrow('must be at most 1000 item(s)');
    }
  });

  it('the runs of an experiment: at most 1 000 000', () => {
    // 1000 sizes x 1000 seeds is exactly the bound
    const ok = parseExperiment({ name: 'x', sweep: { n: list(1000, (i) => 10 + i), seeds: 1000 } });
    expect(ok.sweep.seeds).toBe(1000);
    // 101 x 9901 = 1 000 001
    expect(refusal({ name: 'x', sweep: { n: list(101, (i) => 10 + i), seeds: 9901 } })).toContain('sweep: got {');
    expect(refusal({ name: 'x', sweep: { n: list(101, (i) => 10 + i), seeds: 9901 } })).toContain('makes 1000001 runs; an experiment has at most 1000000 (split it, or sweep fewer values)');
    // every list counts: 10 x 10 x 10 x 10 x 10 x 10 seeds = 1 000 000, one more seed is over
    const sweep = (seeds: number) => ({
      heterogeneity: list(10, (i) => ({ family: 'normal', cv: i / 10 })),
      n: list(10, (i) => 10 + i),
      tauMean: list(10, (i) => 1 + i),
      manipulations: list(10, (i) => ({ label: `m${i}`, ops: [] })),
      trainLength: list(10, (i) => 100 + i),
      seeds,
    });
    expect(parseExperiment({ name: 'x', sweep: sweep(10) }).sweep.seeds).toBe(10);
    expect(refusal({ name: 'x', sweep: sweep(11) })).toContain('makes 1100000 runs');
  });

  it('the nesting of a document: at most 32 levels', () => {
    const nest = (levels: number): unknown => (levels === 1 ? {} : { x: nest(levels - 1) });
    // 32 levels (the spec object is the first): refused for the unknown field, not for its depth
    const at = refusal({ name: 'x', extra: nest(31) });
    expect(at).toContain('unknown field(s) "extra"');
    expect(at).not.toContain('levels');
    const over = refusal({ name: 'x', extra: nest(32) });
    expect(over).toContain('(top level): got a document nested more than 32 levels deep; specs nest at most 32 levels of objects and lists');
    // lists count as levels too
    let deepList: unknown = [];
    for (let i = 1; i < 33; i++) deepList = [deepList];
    expect(refusal({ name: 'x', extra: deepList })).toContain('nested more than 32 levels deep');
  });

  it('depthOf counts objects and lists, and stops early past a limit', () => {
    expect(depthOf(3)).toBe(0);
    expect(depthOf(null)).toBe(0);
    expect(depthOf({})).toBe(1);
    expect(depthOf([[], { a: [1] }])).toBe(3);
    expect(depthOf({ a: 1, b: { c: { d: 'e' } }, f: [] })).toBe(3);
    let deep: unknown = 0;
    for (let i = 0; i < 5000; i++) deep = [deep];
    // iterative: 5000 levels do not overflow the stack
    expect(depthOf(deep)).toBe(5000);
    expect(depthOf(deep, 32)).toBe(33);
  });
});
