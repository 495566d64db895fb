// Targets and W's eigenvalues kept between runs (worker/run.ts targetsOf, wEigenvaluesOf): a run's
// numbers must not depend on what ran before it in its thread, so a kept value is taken again only
// where what it was computed from is the same, bit for bit.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { DEFAULT_SUITE, ExperimentSchema } from '../common/spec.js';
import { planRuns } from '../main/plan.js';
import { backendByName } from './backends/registry.js';
import { eigenvalues } from './linalg.js';
import { segmentSquares, segmentSums } from './readout.js';
import { computeTargets } from './tasks.js';
import { KEPT_TARGETS_BYTES, KEPT_W_EIGENVALUES_BYTES, prepareRun, runTasks, sameBits, targetsOf, totalSteps, wEigenvaluesOf } from './run.js';
import type { BuiltNetwork } from './types.js';

function fixtureRuns(segments?: object, suite?: object) {
  const raw = JSON.parse(readFileSync('test/fixtures/small-experiment.json', 'utf8'));
  if (segments) raw.input.segments = segments;
  if (suite) raw.suite = suite;
  return planRuns(ExperimentSchema.parse(raw));
}

describe('targets kept between runs', () => {
  it('every run of a sweep in a shuffled order gets exactly the targets computed afresh', () => {
    const runs = fixtureRuns();
    const inputs = new Set(runs.map((r) => r.seeds.input));
    expect(inputs.size).toBeGreaterThan(1);
    // twice through, the second time reversed: hits and misses in both orders
    for (const run of [...runs, ...[...runs].reverse()]) {
      const p = prepareRun(run);
      const fresh = computeTargets(runTasks(run), p.input, p.steps, run.input.channels.length);
      expect(sameBits(targetsOf(run, runTasks(run), p.input, p.steps), fresh)).toBe(true);
    }
  });

  it('a run whose input seed came before takes the kept array; an input one bit apart does not', () => {
    const [run] = fixtureRuns();
    const p = prepareRun(run);
    const first = targetsOf(run, runTasks(run), p.input, p.steps);
    expect(targetsOf(run, runTasks(run), p.input.slice(), p.steps)).toBe(first);
    const nudged = p.input.slice();
    nudged[17] = -nudged[17]; // a sign bit: a product task's target changes sign with it
    const other = targetsOf(run, runTasks(run), nudged, p.steps);
    expect(other).not.toBe(first);
    expect(sameBits(other, computeTargets(runTasks(run), nudged, p.steps, run.input.channels.length))).toBe(true);
    expect(sameBits(other, first)).toBe(false);
    const zeroed = p.input.slice();
    zeroed[zeroed.findIndex((v) => v !== 0)] = 0;
    expect(targetsOf(run, runTasks(run), zeroed, p.steps)).not.toBe(first);
  });

  it('another suite on the same input is computed, not taken', () => {
    const [run] = fixtureRuns();
    const p = prepareRun(run);
    const kept = targetsOf(run, runTasks(run), p.input, p.steps);
    const fewer = { ...run, suite: { ...run.suite, families: run.suite.families.slice(0, 1) } };
    const other = targetsOf(fewer, runTasks(fewer), p.input, p.steps);
    expect(other.length).toBeLessThan(kept.length);
    expect(sameBits(other, computeTargets(runTasks(fewer), p.input, p.steps, run.input.channels.length))).toBe(true);
  });

  it('targets larger than what a thread keeps are not kept', () => {
    // the default suite's 397 tasks over 22 000 steps: 70 MB, above the 64 MB kept
    const [run] = fixtureRuns({ washout: 0, train: 16_000, validation: 3000, test: 3000 }, DEFAULT_SUITE);
    const steps = totalSteps(run);
    const tasks = runTasks(run);
    expect(tasks.length * steps * 8).toBeGreaterThan(KEPT_TARGETS_BYTES);
    const p = prepareRun(run);
    const first = targetsOf(run, tasks, p.input, steps);
    // (not .not.toBe: on arrays that differ as objects it compares their 8.7 million values)
    expect(targetsOf(run, tasks, p.input, steps) === first).toBe(false);
  });
});

describe('segment sums of the readout (four rows at a time)', () => {
  it('equal the sums of one row at a time, bit for bit, for every row count to 9 and any segment', () => {
    const T = 53;
    for (let count = 1; count <= 9; count++) {
      const rows = Float64Array.from({ length: count * T }, (_, i) => Math.sin(i * 1.7) * 10 ** ((i % 7) - 3));
      const centre = Float64Array.from({ length: count }, (_, r) => r * 0.1 - 0.3);
      for (const [t0, t1] of [[0, T], [5, 41], [52, 53]]) {
        const sums = segmentSums(rows, count, T, t0, t1);
        const squares = segmentSquares(rows, count, T, t0, t1, centre);
        for (let r = 0; r < count; r++) {
          let s = 0;
          let q = 0;
          for (let t = t0; t < t1; t++) {
            s += rows[r * T + t];
            q += (rows[r * T + t] - centre[r]) ** 2;
          }
          expect(Object.is(sums[r], s)).toBe(true);
          expect(Object.is(squares[r], q)).toBe(true);
        }
      }
    }
  });
});

describe("W's eigenvalues kept between runs", () => {
  const wasm = backendByName('wasm');
  const ts = backendByName('cpu');

  it("every run of a sweep, twice through in both orders, gets W's eigenvalues computed afresh", () => {
    const runs = fixtureRuns();
    expect(new Set(runs.map((r) => r.seeds.network)).size).toBeGreaterThan(1);
    for (const run of [...runs, ...[...runs].reverse()]) {
      const { net } = prepareRun(run);
      const fresh = eigenvalues(net.w, net.n);
      const kept = wEigenvaluesOf(net, wasm);
      expect(sameBits(kept.re, fresh.re) && sameBits(kept.im, fresh.im)).toBe(true);
    }
  });

  it('the same W on the same backend takes the kept values; a W one bit apart or another backend does not', () => {
    const [run] = fixtureRuns();
    const { net } = prepareRun(run);
    const first = wEigenvaluesOf(net, wasm);
    expect(wEigenvaluesOf({ ...net, w: net.w.slice() }, wasm)).toBe(first);
    // a zero weight made -0: the same numbers to ==, other bits
    const zero = net.w.findIndex((v) => Object.is(v, 0));
    expect(zero).toBeGreaterThanOrEqual(0);
    const nudged = net.w.slice();
    nudged[zero] = -0;
    const again = wEigenvaluesOf({ ...net, w: nudged }, wasm);
    expect(again).not.toBe(first);
    expect(sameBits(again.re, eigenvalues(nudged, net.n).re)).toBe(true);
    // both kept; another backend computes its own
    expect(wEigenvaluesOf(net, wasm)).toBe(first);
    expect(wEigenvaluesOf({ ...net, w: nudged }, wasm)).toBe(again);
    const other = wEigenvaluesOf(net, ts);
    expect(other).not.toBe(first);
    expect(sameBits(other.re, first.re) && sameBits(other.im, first.im)).toBe(true);
  });

  it('keeps at most KEPT_W_EIGENVALUES_BYTES, the least recently used W going first', () => {
    // zero matrices at N = 400, each with its own -0 (cheap to solve, different bits)
    const n = 400;
    const fit = Math.floor(KEPT_W_EIGENVALUES_BYTES / (n * n * 8 + 2 * n * 8));
    expect(fit).toBeGreaterThanOrEqual(2);
    const zeros = (count: number, from: number) =>
      Array.from({ length: count }, (_, i) => {
        const w = new Float64Array(n * n);
        w[from + i] = -0;
        return { n, w } as BuiltNetwork;
      });
    // first as many others as fit, so that nothing kept by the tests above is left
    for (const net of zeros(fit, 1000)) wEigenvaluesOf(net, wasm);
    const nets = zeros(fit + 1, 0);
    const values = nets.slice(0, fit).map((net) => wEigenvaluesOf(net, wasm));
    nets.slice(0, fit).forEach((net, i) => expect(wEigenvaluesOf(net, wasm)).toBe(values[i])); // all kept
    expect(wEigenvaluesOf(nets[0], wasm)).toBe(values[0]); // now the most recently used
    wEigenvaluesOf(nets[fit], wasm); // one too many: nets[1] goes
    expect(wEigenvaluesOf(nets[0], wasm)).toBe(values[0]);
    expect(wEigenvaluesOf(nets[1], wasm)).not.toBe(values[1]);
  });
});
