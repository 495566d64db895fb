// What a run's work is weighed by (the shards' split, the ETA): a LIF run calibrated to its homogeneous
// twin simulates once when it is its own twin and more when it is not, as main/cost.ts prices it.
import { describe, expect, it } from 'vitest';
import { planRuns } from './plan.js';
import { simulationsOf, workUnits } from './run-shape.js';
import { loadSpec } from './specs.js';

describe('run shape', () => {
  const spiking = planRuns(loadSpec('spiking-heterogeneity-gain').spec);
  const rate = planRuns(loadSpec('heterogeneity-gain').spec);

  it('counts the simulations of a calibrated LIF run: 1 for its own twin, 4 otherwise; 1 for a rate run', () => {
    const cv = (r: (typeof spiking)[number]) => (r.network.heterogeneity.family === 'none' ? 0 : r.network.heterogeneity.cv);
    expect(spiking.every((r) => r.network.model.kind === 'lif' && r.network.model.calibration?.target === 'homogeneous')).toBe(true);
    const twins = spiking.filter((r) => cv(r) === 0);
    const others = spiking.filter((r) => cv(r) > 0);
    expect(twins.length).toBeGreaterThan(0);
    expect(others.length).toBeGreaterThan(0);
    expect(twins.map(simulationsOf)).toEqual(twins.map(() => 1));
    expect(others.map(simulationsOf)).toEqual(others.map(() => 4));
    expect(rate.map(simulationsOf)).toEqual(rate.map(() => 1));
    // a rate target searches from the run's own start
    const model = spiking[0].network.model;
    const toRate = { ...spiking[0], network: { ...spiking[0].network, model: { ...model, calibration: { ...(model as { calibration: object }).calibration, target: 10 } } } };
    expect(simulationsOf(toRate as (typeof spiking)[number])).toBe(6);
    // and without a calibration, once
    const plain = { ...spiking[0], network: { ...spiking[0].network, model: { ...model, calibration: undefined } } };
    expect(simulationsOf(plain as (typeof spiking)[number])).toBe(1);
  });

  it('weighs a heterogeneous calibrated LIF run above its own-twin sibling of the same size', () => {
    const tasks = 100;
    const twin = spiking.find((r) => simulationsOf(r) === 1)!;
    const other = spiking.find((r) => simulationsOf(r) === 4 && r.network.n === twin.network.n)!;
    expect(workUnits(other, tasks)).toBeGreaterThan(workUnits(twin, tasks));
  });
});
