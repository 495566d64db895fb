// The one comparison path: pairing by seeds, the paired t over seeds with its sign-flip and bootstrap
// companions, Welch when nothing pairs, what is left out, and when a contrast may headline.
import { describe, it, expect } from 'vitest';
import { contrast, type SeedScores, type TaskInfo } from './inference.js';

const tasks: TaskInfo[] = [
  { id: 'a', family: 'delay', memoryDepth: 0, nonlinearity: 1 },
  { id: 'b', family: 'delay', memoryDepth: 1, nonlinearity: 1 },
  { id: 'c', family: 'narma', memoryDepth: 5, nonlinearity: 2 },
  { id: 'd', family: 'narma', memoryDepth: 10, nonlinearity: 2 },
];

const seed = (key: string, scores: number[], experiment = 'e1'): SeedScores => ({ seedKey: key, experiment, name: `seed ${key}`, scores });

describe('contrast over seeds', () => {
  // per-seed differences of the mean over 4 tasks: 0.1, 0.2, 0.3
  const base = [seed('1', [0.1, 0.2, 0.0, 0.3]), seed('2', [0.2, 0.2, 0.0, 0.2]), seed('3', [0.3, 0.1, 0.0, 0.2])];
  const other = [seed('1', [0.2, 0.3, 0.0, 0.5]), seed('2', [0.4, 0.4, 0.0, 0.6]), seed('3', [0.6, 0.4, 0.0, 0.8])];

  it('pairs on shared seeds: paired t over the per-seed differences, its interval, sign-flip and bootstrap', () => {
    const r = contrast(base, other, tasks);
    const s = r.stats;
    expect(s.design).toBe('paired');
    expect(s.seeds).toBe(3);
    // d = [0.1, 0.2, 0.3]: mean 0.2, sd 0.1, se 0.1/sqrt 3; t = 2 sqrt 3 = 3.4641 with df 2
    expect(s.delta.mean).toBeCloseTo(0.2, 12);
    expect(s.test.t).toBeCloseTo(2 * Math.sqrt(3), 9);
    expect(s.test.df).toBe(2);
    // two-sided p for t(2): 1 - t / sqrt(t^2 + 2) = 1 - sqrt(12/14)
    expect(s.test.p).toBeCloseTo(1 - Math.sqrt(12 / 14), 9);
    // 0.2 ± t_{0.975,2} · 0.1/√3, t_{0.975,2} = 4.3026527
    expect(s.delta.lo).toBeCloseTo(0.2 - (4.3026527 * 0.1) / Math.sqrt(3), 6);
    expect(s.delta.hi).toBeCloseTo(0.2 + (4.3026527 * 0.1) / Math.sqrt(3), 6);
    expect(s.verdict).toBe('no clear difference');
    // 3 seeds, all differences positive: the exact sign-flip p is its floor 2/8
    expect(s.signFlip).toEqual({ p: 0.25, exact: true, floor: 0.25 });
    expect(s.bootstrap!.lo).toBeGreaterThan(0);
    // the largest task difference of any seed bounds the resampled means
    expect(s.bootstrap!.hi).toBeLessThanOrEqual(0.6 + 1e-12);
    expect(s.bootstrap!.hi).toBeGreaterThan(0.2);
    expect(r.scope).toBe('one experiment');
    expect(r.headline).toBe(true);
    expect(r.leftOut).toEqual([]);
  });

  it('counts strict wins, losses and ties (both at 0) per task on seed-averaged capacities', () => {
    const s = contrast(base, other, tasks).stats;
    // task c is 0 on both sides in every seed: a tie, not half a win
    expect([s.wins, s.losses, s.ties, s.tasks]).toEqual([3, 0, 1, 4]);
    expect(s.wilcoxon!.zeros).toBe(1);
    expect(s.wilcoxon!.n).toBe(3);
    // per family: delay wins both, narma one win and one tie
    expect(s.perFamily.delay).toMatchObject({ tasks: 2, wins: 2, losses: 0, ties: 0 });
    expect(s.perFamily.narma).toMatchObject({ tasks: 2, wins: 1, losses: 0, ties: 1 });
    // narma per seed: (0 + 0.2)/2, (0 + 0.4)/2, (0 + 0.6)/2 → mean 0.2
    expect(s.perFamily.narma.meanDiff).toBeCloseTo(0.2, 12);
    expect(Number.isFinite(s.perFamily.narma.lo)).toBe(true);
  });

  it('leaves out seeds without a partner and says so', () => {
    const r = contrast([...base, seed('9', [1, 1, 1, 1])], other.slice(0, 2), tasks, ['homogeneous', 'lognormal c=1']);
    expect(r.stats.design).toBe('paired');
    expect(r.stats.seeds).toBe(2);
    expect(r.leftOut.join(' ')).toMatch(/2 seed\(s\) of homogeneous with no partner in lognormal c=1 \(seed 3, seed 9\)/);
  });

  it('compares sides that share no seed unpaired (Welch) and never headlines them', () => {
    const moved = other.map((s, i) => seed(`x${i}`, Array.from(s.scores)));
    const r = contrast(base, moved, tasks);
    expect(r.stats.design).toBe('unpaired');
    expect(r.stats.test.name).toBe('Welch t');
    expect(r.stats.signFlip).toBeNull();
    expect(r.stats.bootstrap).toBeNull();
    // per-seed means: base 0.15, 0.15, 0.15 (sd 0), other 0.25, 0.35, 0.45 (sd 0.1): Welch df = 2
    expect(r.stats.delta.mean).toBeCloseTo(0.2, 12);
    expect(r.stats.test.df).toBeCloseTo(2, 9);
    expect(r.headline).toBe(false);
    expect(r.leftOut[0]).toMatch(/no seed in common: compared unpaired \(Welch\) over 3 and 3 seed\(s\)/);
  });

  it('pairs across experiments without headlining', () => {
    const r = contrast(base, other.map((s) => ({ ...s, experiment: 'e2' })), tasks);
    expect(r.stats.design).toBe('paired');
    expect(r.scope).toBe('across experiments');
    expect(r.headline).toBe(false);
  });

  it('has no interval with one seed, and then no verdict', () => {
    const r = contrast(base.slice(0, 1), other.slice(0, 1), tasks);
    expect(r.stats.verdict).toBe('no interval');
    expect(r.headline).toBe(false);
    expect(r.stats.bootstrap).toBeNull();
  });

  it('counts a network and input twice on one side once', () => {
    const r = contrast([...base, { ...base[0], experiment: 'e2', name: 'seed 1 again' }], other, tasks, ['A', 'B']);
    expect(r.stats.seeds).toBe(3);
    expect(r.leftOut.join(' ')).toMatch(/1 repeated run\(s\) of A .*seed 1 again.*the first one counts/);
  });

  it('decides the verdict from the interval: higher, lower', () => {
    const up = contrast(base, base.map((s) => seed(s.seedKey, (s.scores as number[]).map((x, k) => x + 0.1 + 0.001 * k))), tasks);
    expect(up.stats.verdict).toBe('higher');
    const down = contrast(base, base.map((s, i) => seed(s.seedKey, (s.scores as number[]).map((x) => x - 0.1 - 0.01 * i))), tasks);
    expect(down.stats.verdict).toBe('lower');
    expect(down.stats.delta.hi).toBeLessThan(0);
  });

  it('refuses scores that do not match the task list', () => {
    expect(() => contrast([seed('1', [0.1])], other, tasks)).toThrow(/has 1 task scores, expected 4/);
  });
});
