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

  it('counts exact ties per family as ties, neither wins nor losses, paired and unpaired', () => {
    // delay: task a is higher on the other side, task b equal (0.25 on both: a tie away from 0);
    // narma: both tasks equal on the two sides
    const a = [seed('1', [0.1, 0.25, 0.4, 0.5]), seed('2', [0.3, 0.25, 0.4, 0.5])];
    const b = [seed('1', [0.3, 0.25, 0.4, 0.5]), seed('2', [0.5, 0.25, 0.4, 0.5])];
    const paired = contrast(a, b, tasks).stats;
    expect(paired.design).toBe('paired');
    expect(paired.perFamily.delay).toMatchObject({ tasks: 2, wins: 1, losses: 0, ties: 1 });
    expect(paired.perFamily.narma).toMatchObject({ tasks: 2, wins: 0, losses: 0, ties: 2 });
    expect([paired.wins, paired.losses, paired.ties]).toEqual([1, 0, 3]);
    // the same scores on seeds that do not pair: Welch, and the same counts on seed-averaged capacities
    const unpaired = contrast(a, b.map((s, i) => seed(`u${i}`, Array.from(s.scores))), tasks).stats;
    expect(unpaired.design).toBe('unpaired');
    expect(unpaired.perFamily.delay).toMatchObject({ tasks: 2, wins: 1, losses: 0, ties: 1 });
    expect(unpaired.perFamily.narma).toMatchObject({ tasks: 2, wins: 0, losses: 0, ties: 2 });
    expect([unpaired.wins, unpaired.losses, unpaired.ties]).toEqual([1, 0, 3]);
    // and the mirror: a loss is a loss, the ties stay ties
    const back = contrast(b, a, tasks).stats;
    expect(back.perFamily.delay).toMatchObject({ wins: 0, losses: 1, ties: 1 });
    expect(back.perFamily.narma).toMatchObject({ wins: 0, losses: 0, ties: 2 });
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

  it('takes the verdict from the interval, not the mean: a positive or negative mean whose interval includes 0 is no clear difference', () => {
    // paired, swapped sides: the mean is -0.2 and the interval (-0.448, 0.048) includes 0
    const mirror = contrast(other, base, tasks).stats;
    expect(mirror.delta.mean).toBeCloseTo(-0.2, 12);
    expect(mirror.delta.lo).toBeLessThan(0);
    expect(mirror.delta.hi).toBeGreaterThan(0);
    expect(mirror.verdict).toBe('no clear difference');
    // unpaired (Welch, df 2): mean +0.2 with the interval 0.2 ± 4.303 · 0.1/√3 = (-0.048, 0.448)
    const moved = other.map((s, i) => seed(`x${i}`, Array.from(s.scores)));
    const up = contrast(base, moved, tasks).stats;
    expect(up.delta.mean).toBeCloseTo(0.2, 12);
    expect(up.delta.lo).toBeCloseTo(0.2 - (4.3026527 * 0.1) / Math.sqrt(3), 6);
    expect(up.verdict).toBe('no clear difference');
    const down = contrast(moved, base.map((s, i) => seed(`y${i}`, Array.from(s.scores))), tasks).stats;
    expect(down.delta.mean).toBeCloseTo(-0.2, 12);
    expect(down.delta.hi).toBeGreaterThan(0);
    expect(down.verdict).toBe('no clear difference');
  });

  it('an interval of exactly [0, 0] is no clear difference, neither higher nor lower', () => {
    // the same scores on both sides: every per-seed difference is exactly 0, so the paired t gives
    // the interval [0, 0]; 0 is inside it
    const same = contrast(base, base.map((s) => seed(s.seedKey, Array.from(s.scores))), tasks).stats;
    expect(same.delta).toEqual({ mean: 0, lo: 0, hi: 0 });
    expect(same.test.p).toBe(1);
    expect(same.verdict).toBe('no clear difference');
  });

  it('unpaired: higher or lower when the Welch interval excludes 0', () => {
    // other's per-seed means 0.35, 0.36, 0.37 against 0.15, 0.16, 0.17: Δ 0.2, sd 0.01 on each side
    const a = [0.15, 0.16, 0.17].map((m, i) => seed(`a${i}`, [m, m, m, m]));
    const b = [0.35, 0.36, 0.37].map((m, i) => seed(`b${i}`, [m, m, m, m]));
    const up = contrast(a, b, tasks).stats;
    expect(up.design).toBe('unpaired');
    expect(up.delta.lo).toBeGreaterThan(0);
    expect(up.verdict).toBe('higher');
    const down = contrast(b, a, tasks).stats;
    expect(down.delta.hi).toBeLessThan(0);
    expect(down.verdict).toBe('lower');
    // one seed on a side: Welch has no interval
    expect(contrast(a.slice(0, 1), b, tasks).stats.verdict).toBe('no interval');
  });

  it('names at most six left-out seeds, then how many more', () => {
    const many = Array.from({ length: 9 }, (_, i) => seed(`m${i}`, [0.1, 0.1, 0.1, 0.1]));
    const r = contrast([...base, ...many], other, tasks, ['A', 'B']);
    expect(r.leftOut).toEqual(['9 seed(s) of A with no partner in B (seed m0, seed m1, seed m2, seed m3, seed m4, seed m5 and 3 more)']);
    const six = contrast([...base, ...many.slice(0, 6)], other, tasks, ['A', 'B']);
    expect(six.leftOut).toEqual(['6 seed(s) of A with no partner in B (seed m0, seed m1, seed m2, seed m3, seed m4, seed m5)']);
    // and the other side's
    const r2 = contrast(base, [...other, many[0]], tasks, ['A', 'B']);
    expect(r2.leftOut).toEqual(['1 seed(s) of B with no partner in A (seed m0)']);
  });

  it('calls the sides baseline and other when they are not named', () => {
    const r = contrast([...base, seed('9', [1, 1, 1, 1])], [...other, seed('8', [0, 0, 0, 0])], tasks);
    expect(r.leftOut).toEqual(['1 seed(s) of baseline with no partner in other (seed 9)', '1 seed(s) of other with no partner in baseline (seed 8)']);
  });

  it('unpaired: the scope is that of every seed on both sides', () => {
    const moved = other.map((s, i) => seed(`x${i}`, Array.from(s.scores)));
    expect(contrast(base, moved, tasks).scope).toBe('one experiment');
    // one seed of the other side from another experiment is enough to make it a cross-experiment contrast
    const mixed = contrast(base, [...moved.slice(0, 2), { ...moved[2], experiment: 'e2' }], tasks);
    expect(mixed.stats.design).toBe('unpaired');
    expect(mixed.scope).toBe('across experiments');
  });

  it('gives each task its difference of seed-averaged capacities, with its coordinates', () => {
    const r = contrast(base, other, tasks);
    expect(r.perTask.map((t) => t.id)).toEqual(['a', 'b', 'c', 'd']);
    expect(r.perTask[3]).toMatchObject({ family: 'narma', memoryDepth: 10, nonlinearity: 2 });
    // task a: other (0.2 + 0.4 + 0.6) / 3 = 0.4, base (0.1 + 0.2 + 0.3) / 3 = 0.2
    expect(r.perTask[0].diff).toBeCloseTo(0.2, 12);
    expect(r.perTask[2].diff).toBe(0);
    expect(r.perTask[3].diff).toBeCloseTo((0.5 + 0.6 + 0.8) / 3 - (0.3 + 0.2 + 0.2) / 3, 12);
  });

  it('tests the per-task differences with the Wilcoxon signed-rank test (descriptive)', () => {
    const s = contrast(base, other, tasks).stats;
    // differences 0.2, 0.2, 0, 0.4: the zero is dropped, a tie among the rest: normal approximation
    expect(s.wilcoxon).toMatchObject({ n: 3, zeros: 1, exact: false, wPlus: 6 });
    expect(s.wilcoxon!.method).toMatch(/normal approximation/);
    expect(s.wilcoxon!.p).toBeGreaterThan(0);
    expect(s.wilcoxon!.log10p).toBeCloseTo(Math.log10(s.wilcoxon!.p), 12);
  });

  it('unpaired: per family Welch over the per-seed family means', () => {
    const moved = other.map((s, i) => seed(`x${i}`, Array.from(s.scores)));
    const s = contrast(base, moved, tasks).stats;
    // delay per seed: base 0.15, 0.2, 0.2; other 0.25, 0.4, 0.5
    expect(s.perFamily.delay.meanDiff).toBeCloseTo((0.25 + 0.4 + 0.5) / 3 - (0.15 + 0.2 + 0.2) / 3, 12);
    expect(s.perFamily.delay.lo).toBeLessThan(s.perFamily.delay.meanDiff);
    expect(s.perFamily.delay.hi).toBeGreaterThan(s.perFamily.delay.meanDiff);
    expect([s.seeds, s.seedsBaseline, s.seedsOther]).toEqual([6, 3, 3]);
    expect(s.test.p).toBeGreaterThan(0);
  });

  it('paired: per family the t interval of per-seed family differences; none with one seed', () => {
    const s = contrast(base, other, tasks).stats;
    // delay per seed: (0.1 + 0.1) / 2, (0.2 + 0.2) / 2, (0.3 + 0.3) / 2 -> 0.1, 0.2, 0.3: mean 0.2 ± 4.303 · 0.1/√3
    expect(s.perFamily.delay.meanDiff).toBeCloseTo(0.2, 12);
    expect(s.perFamily.delay.lo).toBeCloseTo(0.2 - (4.3026527 * 0.1) / Math.sqrt(3), 6);
    expect(s.perFamily.delay.hi).toBeCloseTo(0.2 + (4.3026527 * 0.1) / Math.sqrt(3), 6);
    expect([s.seeds, s.seedsBaseline, s.seedsOther]).toEqual([3, 3, 3]);
    const one = contrast(base.slice(0, 1), other.slice(0, 1), tasks).stats;
    expect(one.perFamily.delay.meanDiff).toBeCloseTo(0.1, 12);
    expect(Number.isNaN(one.perFamily.delay.lo) && Number.isNaN(one.perFamily.delay.hi)).toBe(true);
    expect(Number.isNaN(one.delta.lo) && Number.isNaN(one.delta.hi)).toBe(true);
    expect(one.delta.mean).toBeCloseTo(0.1, 12);
  });

  it('refuses empty sides and an empty task list', () => {
    expect(() => contrast([], other, tasks)).toThrow('contrast: each side needs at least one seed');
    expect(() => contrast(base, [], tasks)).toThrow('contrast: each side needs at least one seed');
    expect(() => contrast([seed('1', [])], [seed('1', [])], [])).toThrow('contrast: no tasks in common');
  });

  it('refuses scores that do not match the task list', () => {
    expect(() => contrast([seed('1', [0.1])], other, tasks)).toThrow(/has 1 task scores, expected 4/);
  });
});
