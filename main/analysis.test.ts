import { describe, it, expect } from 'vitest';
import type { RunFactors, RunResult } from '../common/results.js';
import { parseExperiment } from '../common/validate.js';
import { analyse, contrast, summariseConditions } from './analysis.js';
import { factorKey } from './plan.js';

function run(f: Partial<RunFactors>, capacity: number[], rate: number | null = null, tauCv = 0): RunResult {
  const factors: RunFactors = { family: 'none', cv: 0, n: 100, tauMean: 5, trainLength: 2000, manipulation: 'base', model: 'rate', seedIndex: 0, ...f };
  const mean = capacity.reduce((a, b) => a + b, 0) / capacity.length;
  return {
    index: 0,
    key: factorKey(factors, true),
    condition: factorKey(factors, false),
    factors,
    seeds: { root: 1, network: 2, input: 3 },
    backend: 'cpu',
    summary: { tasks: capacity.length, meanCapacity: mean, totalCapacity: mean * capacity.length, meanR2: mean, perFamily: { delay: mean } },
    scores: { r2: capacity, capacity, nrmse: capacity.map(() => null), accuracy: capacity.map(() => null), ridge: capacity.map(() => 1) },
    network: { tau: { mean: 5, cv: tauCv, skewness: 0, min: 5, max: 5, bounded: 0 }, rhoW: null, rhoEff: null, density: 0.1, meanRateHz: rate },
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

  it('contrasts hetero against homo paired per task, seeds aggregated', () => {
    const [hom, het] = [results[0].condition, results[2].condition];
    const c = contrast(results, het, hom, 'x')!;
    expect(c.seeds).toBe(2);
    // per-seed differences: 0.4 - 0.3 and 11/30 - 0.3
    expect(c.meanDiff.mean).toBeCloseTo((0.1 + 11 / 30 - 0.3) / 2, 12);
    // seed-averaged per task: homo [.15, .2, .55], hetero [.25, .45, .45]: wins 2 of 3
    expect(c.fractionWon).toBeCloseTo(2 / 3, 12);
    expect(c.tasks).toBe(3);
  });

  it('states the finding and flags a firing-rate confound in spiking contrasts', () => {
    const spec = parseExperiment({ name: 'x', analysis: 'heterogeneity', claim: 'c' });
    const f = analyse(spec, results);
    expect(f.lines.join('\n')).toMatch(/lognormal c=1 vs homogeneous: Δ mean capacity \+0\.083 \[/);
    const lif = [
      run({ model: 'lif', seedIndex: 0 }, [0.1, 0.2], 10),
      run({ model: 'lif', family: 'lognormal', cv: 1, seedIndex: 0 }, [0.2, 0.3], 20),
    ];
    expect(analyse(spec, lif).lines.join('\n')).toMatch(/caution: firing rates differ, 20\.0 vs 10\.0 Hz/);
    const matched = [run({ model: 'lif' }, [0.1, 0.2], 10), run({ model: 'lif', family: 'gamma', cv: 1 }, [0.2, 0.3], 11)];
    expect(analyse(spec, matched).lines.join('\n')).not.toMatch(/caution/);
  });

  it('answers the size question: smallest heterogeneous N reaching the largest homogeneous one', () => {
    const spec = parseExperiment({ name: 'x', analysis: 'size', sweep: { n: [50, 100, 200], heterogeneity: [{ family: 'none' }, { family: 'lognormal', cv: 1 }] } });
    const rs = [
      run({ n: 50 }, [0.1]), run({ n: 100 }, [0.2]), run({ n: 200 }, [0.3]),
      run({ n: 50, family: 'lognormal', cv: 1 }, [0.2]), run({ n: 100, family: 'lognormal', cv: 1 }, [0.35]), run({ n: 200, family: 'lognormal', cv: 1 }, [0.4]),
    ];
    expect(analyse(spec, rs).lines[0]).toMatch(/smallest heterogeneous N reaching the homogeneous N=200 \(capacity 0\.300\) is N=100/);
  });
});
