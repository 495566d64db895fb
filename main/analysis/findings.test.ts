import { describe, it, expect } from 'vitest';
import type { RunFactors, RunResult } from '../../common/results.js';
import { parseExperiment } from '../../common/validate.js';
import { factorKey } from '../plan.js';
import { analyse, conditionContrast, skewRegression, summariseConditions } from './findings.js';
import type { TaskInfo } from './inference.js';

const tasksOf = (k: number): TaskInfo[] => Array.from({ length: k }, (_, i) => ({ id: `t${i}`, family: i % 2 ? 'narma' : 'delay', memoryDepth: i, nonlinearity: 1 }));

function run(f: Partial<RunFactors>, capacity: number[], rate: number | null = null, tauCv = 0, tauSkew = 0): RunResult {
  const factors: RunFactors = { family: 'none', cv: 0, n: 100, tauMean: 5, trainLength: 2000, manipulation: 'base', model: 'rate', seedIndex: 0, ...f };
  const mean = capacity.reduce((a, b) => a + b, 0) / capacity.length;
  return {
    index: 0,
    key: factorKey(factors, true),
    condition: factorKey(factors, false),
    factors,
    // seeds are shared by every run of one seed index, as the planner makes them
    seeds: { root: 1, network: 100 + factors.seedIndex, input: 200 + factors.seedIndex },
    backend: 'cpu',
    summary: { tasks: capacity.length, meanCapacity: mean, totalCapacity: mean * capacity.length, meanR2: mean, perFamily: { delay: mean } },
    scores: { r2: capacity, capacity, nrmse: capacity.map(() => null), accuracy: capacity.map(() => null), ridge: capacity.map(() => 1) },
    network: { tau: { mean: 5, cv: tauCv, skewness: tauSkew, min: 5, max: 5, bounded: 0 }, rhoW: null, rhoEff: null, density: 0.1, meanRateHz: rate },
    timings: { simulateMs: 0, readoutMs: 0, totalMs: 0 },
  };
}

describe('analysis', () => {
  // two seeds, three tasks; hetero beats homo on tasks 0 and 1 in both seeds, loses task 2
  const results = [
    run({ seedIndex: 0 }, [0.1, 0.2, 0.6]),
    run({ seedIndex: 1 }, [0.2, 0.2, 0.5]),
    run({ family: 'lognormal', cv: 1, seedIndex: 0 }, [0.3, 0.4, 0.5], null, 0.9),
    run({ family: 'lognormal', cv: 1, seedIndex: 1 }, [0.2, 0.5, 0.4], null, 1.1),
  ];

  it('groups seeds into conditions with a t interval of the mean capacity', () => {
    const cs = summariseConditions(results);
    expect(cs).toHaveLength(2);
    const hom = cs.find((c) => c.factors.family === 'none')!;
    // per-seed means 0.3 and 0.3: no spread
    expect(hom.meanCapacity.mean).toBeCloseTo(0.3, 12);
    expect(hom.meanCapacity.halfWidth).toBeCloseTo(0, 12);
    const het = cs.find((c) => c.factors.family === 'lognormal')!;
    // per-seed means 0.4 and 11/30: mean 23/60, sd = |0.4 - 11/30| / sqrt 2, t(1) = 12.706
    expect(het.meanCapacity.mean).toBeCloseTo(23 / 60, 12);
    expect(het.meanCapacity.halfWidth).toBeCloseTo((12.7062047 * Math.abs(0.4 - 11 / 30)) / Math.sqrt(2) / Math.sqrt(2), 5);
    expect(het.realised.cv).toBeCloseTo(1, 12);
  });

  it('contrasts hetero against homo over seeds: paired t on the per-seed differences', () => {
    const cs = summariseConditions(results);
    const hom = cs.find((c) => c.factors.family === 'none')!;
    const het = cs.find((c) => c.factors.family === 'lognormal')!;
    const c = conditionContrast(results, tasksOf(3), hom, het);
    expect(c.design).toBe('paired');
    expect(c.seeds).toBe(2);
    // per-seed differences: 0.4 - 0.3 and 11/30 - 0.3
    expect(c.delta.mean).toBeCloseTo((0.1 + 11 / 30 - 0.3) / 2, 12);
    // seed-averaged per task: homo [.15, .2, .55], hetero [.25, .45, .45]: 2 strictly higher, 1 lower
    expect([c.wins, c.losses, c.ties]).toEqual([2, 1, 0]);
    expect(c.tasks).toBe(3);
    expect(c.headline).toBe(true);
  });

  it('states the finding and flags a firing-rate confound in uncalibrated spiking contrasts', () => {
    const spec = parseExperiment({ name: 'x', analysis: 'heterogeneity', claim: 'c' });
    const f = analyse(spec, results, tasksOf(3));
    expect(f.lines.join('\n')).toMatch(/lognormal c=1 vs homogeneous: Δ mean capacity \+0\.083 \[/);
    const lif = [
      run({ model: 'lif', seedIndex: 0 }, [0.1, 0.2], 10),
      run({ model: 'lif', family: 'lognormal', cv: 1, seedIndex: 0 }, [0.2, 0.3], 20),
    ];
    const text = analyse(spec, lif, tasksOf(2)).lines.join('\n');
    expect(text).toMatch(/Caution, lognormal c=1 vs homogeneous: firing rates differ, 20\.0 vs 10\.0 Hz/);
    expect(text).toMatch(/Not rate-matched/);
    const matched = [run({ model: 'lif' }, [0.1, 0.2], 10), run({ model: 'lif', family: 'gamma', cv: 1 }, [0.2, 0.3], 11)];
    expect(analyse(spec, matched, tasksOf(2)).lines.join('\n')).not.toMatch(/[Cc]aution/);
  });

  it('reports a calibrated spiking experiment as rate-matched, with the rates reached', () => {
    const spec = parseExperiment({ name: 'x', analysis: 'heterogeneity', network: { model: { kind: 'lif', calibration: { target: 15 } } } });
    const cal = (hz: number, value: number) => ({ by: 'bias' as const, target: 15, targetHz: 15, uncalibratedValue: 0.5, value, achievedHz: hz, simulations: 5 });
    const lif = [run({ model: 'lif' }, [0.1, 0.2], 14.6), run({ model: 'lif', family: 'lognormal', cv: 1 }, [0.2, 0.3], 15.4)];
    lif[0].network.calibration = cal(14.6, 0.61);
    lif[1].network.calibration = cal(15.4, 0.42);
    const f = analyse(spec, lif, tasksOf(2));
    expect(f.lines[0]).toMatch(/Rate-matched: every spiking run's bias was calibrated to a population rate of 15\.0 Hz; reached 14\.60–15\.40 Hz, all within 5 %/);
    expect(f.lines.join('\n')).not.toMatch(/[Cc]aution/);
    lif[1].network.calibration = cal(16.2, 0.42);
    expect(analyse(spec, lif, tasksOf(2)).lines[0]).toMatch(/NOT all within tolerance/);
  });

  it('regresses capacity on realised CV and skewness within seeds, with intervals across seeds', () => {
    // capacity = 0.2 + 0.05 CV + 0.01 skew exactly, in every seed (with a seed offset)
    const rs: RunResult[] = [];
    for (let s = 0; s < 3; s++) {
      for (const [fam, cv, skew] of [['uniform', 0.5, 0], ['normal', 0.7, 0.1], ['lognormal', 1, 3], ['gamma', 0.9, 1.8]] as const) {
        const y = 0.2 + 0.05 * cv + 0.01 * skew + 0.01 * s;
        rs.push(run({ family: fam, cv: 1, seedIndex: s }, [y, y], null, cv, skew));
      }
    }
    const reg = skewRegression(rs);
    expect(reg.seeds).toBe(3);
    expect(reg.terms[0].mean).toBeCloseTo(0.05, 9);
    expect(reg.terms[1].mean).toBeCloseTo(0.01, 9);
    expect(reg.terms[1].hi - reg.terms[1].lo).toBeLessThan(1e-9);
  });

  it('answers the size question: smallest heterogeneous N reaching the largest homogeneous one', () => {
    const spec = parseExperiment({ name: 'x', analysis: 'size', sweep: { n: [50, 100, 200], heterogeneity: [{ family: 'none' }, { family: 'lognormal', cv: 1 }] } });
    const rs = [
      run({ n: 50 }, [0.1]), run({ n: 100 }, [0.2]), run({ n: 200 }, [0.3]),
      run({ n: 50, family: 'lognormal', cv: 1 }, [0.2]), run({ n: 100, family: 'lognormal', cv: 1 }, [0.35]), run({ n: 200, family: 'lognormal', cv: 1 }, [0.4]),
    ];
    const f = analyse(spec, rs, tasksOf(1));
    expect(f.lines[0]).toMatch(/smallest heterogeneous N whose mean capacity reaches the homogeneous N=200 \(0\.300\) is N=100/);
    expect(f.sizeAnswers[0].backing!.label).toBe('lognormal c=1, N=100 vs homogeneous, N=200');
    expect(f.lines[0]).toMatch(/Paired check, lognormal c=1, N=100 vs homogeneous, N=200: Δ \+0\.050 n\/a → no interval \(one seed\)/);
  });
});
