// The cost estimate's model of a run's time (main/cost.ts): what each phase grows with, the fit of
// its coefficients to the probes, and the estimate of a sweep from probes whose times follow a known
// model (a prober that answers by formula: the estimate must give that model's times back exactly).
import { describe, it, expect } from 'vitest';
import type { RunSpec } from '../common/results.js';
import { parseExperiment } from '../common/validate.js';
import { KEPT_TARGETS_BYTES, KEPT_W_EIGENVALUES_BYTES, runTasks, totalSteps } from '../worker/run.js';
import { estimateCost, estimateSize, fitPhase, phaseTerms, PROCESS_BASE_BYTES, runMemory, STARTUP_SECONDS, THREAD_BASE_BYTES } from './cost.js';
import { shapeOf } from './run-shape.js';
import { planRuns } from './plan.js';
import type { ProbeRequest } from './probes.js';
import { closeIdleThreads, idleThreadCount, runAll } from './scheduler.js';

const segments = { washout: 50, train: 300, validation: 100, test: 60 };
const spec = (over: object) => parseExperiment({ name: 'm', input: { segments }, suite: { families: [{ family: 'delay', delays: [1, 2, 3] }] }, ...over });
const firstRun = (over: object) => planRuns(spec(over))[0];

describe('what each phase grows with', () => {
  it('a sparse rate run of odd N: the simulation by its weights, the readout by its products, the spectra by N³', () => {
    const run = firstRun({ network: { n: 37, p: 0.2 }, readout: { ridges: [1e-3, 1] } });
    const K = runTasks(run).length;
    const T = totalSteps(run);
    expect(T).toBe(510);
    const nnz = 37 * 37 * 0.2;
    const products = ((300 + 100) * 37 * 37) / 2 + (300 + 100 + 60) * 37 * K + 6.5 * 37 ** 3 + (2 + 3) * K * 37 * 37;
    const [sim, readout, mech] = phaseTerms(run, K);
    expect(sim).toEqual([1, T * 37, T * nnz]);
    expect(readout[0]).toBe(K * T);
    expect(readout[1]).toBeCloseTo(products, 6);
    expect(mech).toEqual([T * 37, 37 ** 3]);
  });

  it('dense storage counts N² weights; a shortened training segment counts its own steps', () => {
    const run = firstRun({ network: { n: 20, p: 1 }, sweep: { trainLength: [120] } });
    const K = runTasks(run).length;
    const T = totalSteps(run);
    expect(phaseTerms(run, K)[0]).toEqual([1, T * 20, T * 400]);
    expect(phaseTerms(run, K)[1][1]).toBeCloseTo(((120 + 100) * 400) / 2 + (120 + 100 + 60) * 20 * K + 6.5 * 8000 + (run.readout.ridges.length + 3) * K * 400, 6);
  });

  it('the manipulations count: no recurrent weights after removeRecurrence', () => {
    const run = firstRun({ network: { n: 30, manipulations: [{ op: 'removeRecurrence' }] } });
    expect(phaseTerms(run, 3)[0][2]).toBe(0);
  });

  it('no spectra above 400 neurons unless asked for', () => {
    const above = firstRun({ network: { n: 401 } });
    expect(phaseTerms(above, 3)[2][1]).toBe(0);
    expect(phaseTerms(firstRun({ network: { n: 400 } }), 3)[2][1]).toBe(400 ** 3);
    const asked = firstRun({ network: { n: 401 }, mechanisms: { spectraAboveLimit: true } });
    expect(phaseTerms(asked, 3)[2][1]).toBe(401 ** 3);
  });
});

describe('fitting a phase to the probes', () => {
  it('recovers known coefficients exactly, two terms and three, whatever their scales', () => {
    const two = [
      [4e5, 3e8],
      [4e5, 2e7],
    ];
    const c2 = [1.2e-5, 1.3e-7];
    const fit2 = fitPhase(two, two.map(([u, v]) => c2[0] * u + c2[1] * v));
    fit2.forEach((x, i) => expect(x).toBeCloseTo(c2[i], 12));
    expect(fit2[0] / c2[0]).toBeCloseTo(1, 9);
    expect(fit2[1] / c2[1]).toBeCloseTo(1, 9);
    const three = [100, 25, 6].map((n) => [1, 1600 * n, 1600 * n * n * 0.1]);
    const c3 = [0.25, 1.1e-5, 4.5e-7];
    const fit3 = fitPhase(three, three.map((t) => t.reduce((s, u, i) => s + c3[i] * u, 0)));
    fit3.forEach((x, i) => expect(x / c3[i]).toBeCloseTo(1, 6));
  });

  it('never a negative coefficient: where the exact fit has one, the better one-term fit', () => {
    // exact: 4 and -1; alone, the first term leaves 0.5 of squared error, the second 3.2
    expect(fitPhase([[1, 1], [1, 2]], [3, 2])).toEqual([2.5, 0]);
    // exact: -1 and 2; the second alone fits better
    const fit = fitPhase([[1, 1], [1, 2]], [1, 3]);
    expect(fit[0]).toBe(0);
    expect(fit[1]).toBeCloseTo(7 / 5, 12);
    // three terms, times that fall with N: the per-run part alone
    const three = [100, 25, 6].map((n) => [1, n, n * n]);
    const falling = fitPhase(three, [1, 2, 3]);
    expect(falling).toEqual([2, 0, 0]);
  });

  it('one probe, or terms it cannot tell apart: the highest-order term takes it all', () => {
    expect(fitPhase([[2, 5]], [10])).toEqual([0, 2]);
    const same = fitPhase([[2, 5], [2, 5]], [10, 10]);
    expect(same).toEqual([0, 2]);
  });

  it('a term that is zero in every probe gets nothing; all zero gets zeros', () => {
    expect(fitPhase([[3, 0], [6, 0]], [3, 6])).toEqual([1, 0]);
    expect(fitPhase([[0, 0]], [5])).toEqual([0, 0]);
  });
});

describe('the estimate of a sweep from its probes', () => {
  // times that follow the model exactly, with coefficients of the size this machine measures
  const coefficients = [
    [0.25, 1.2e-5, 4e-7],
    [1.5e-5, 1.2e-7],
    [1.8e-5, 5.5e-6],
  ];
  const model = (run: RunSpec) => phaseTerms(run, runTasks(run).length).map((terms, phase) => terms.reduce((s, u, i) => s + coefficients[phase][i] * u, 0));

  it('probes each kind once, at its largest N up to 100, a quarter and a sixteenth of that, on half its segments; prices every run by the model', async () => {
    const sweep = spec({ network: { n: 40 }, sweep: { n: [40, 150, 800], seeds: 2 } });
    const requests: ProbeRequest[] = [];
    const prober = async (rs: readonly ProbeRequest[]) => {
      requests.push(...rs);
      return rs.map((r) => r.runs.flatMap((run) => model(run)));
    };
    const est = await estimateCost(sweep, { threads: 1, backend: 'cpu', archive: false, prober });
    expect(requests).toHaveLength(1);
    expect(requests[0].kind).toBe('phases');
    expect(requests[0].runs.map((r) => r.network.n)).toEqual([100, 25, 6]);
    // half of each segment, at least 50 steps
    for (const r of requests[0].runs) expect(r.input.segments).toEqual({ washout: 50, train: 150, validation: 50, test: 50 });
    const runs = planRuns(sweep);
    const ms = runs.map((r) => model(r).reduce((a, b) => a + b, 0));
    expect(est.seconds).toBeCloseTo(STARTUP_SECONDS + ms.reduce((a, b) => a + b, 0) / 1000, 9);
    expect(est.runSeconds).toBeCloseTo(Math.max(...ms) / 1000, 9);
  });

  it('counts no start-up where the process keeps as many warm threads as the runs use', async () => {
    const sweep = spec({ network: { n: 30 }, sweep: { seeds: 2 } });
    const prober = async (rs: readonly ProbeRequest[]) => rs.map((r) => r.runs.flatMap((run) => model(run)));
    const work = planRuns(sweep).reduce((sum, r) => sum + model(r).reduce((a, b) => a + b, 0), 0) / 1000;
    await closeIdleThreads();
    expect((await estimateCost(sweep, { threads: 1, backend: 'cpu', archive: false, prober })).seconds).toBeCloseTo(STARTUP_SECONDS + work, 9);
    await runAll(planRuns(sweep).slice(0, 1), { threads: 1, backend: 'cpu' }); // one thread kept warm
    expect(idleThreadCount()).toBe(1);
    expect((await estimateCost(sweep, { threads: 1, backend: 'cpu', archive: false, prober })).seconds).toBeCloseTo(work, 9);
    // two runs at once on one warm thread and a new one: the new one starts
    const two = await estimateCost(sweep, { threads: 2, backend: 'cpu', archive: false, prober });
    expect(two.concurrent).toBe(2);
    expect(two.seconds).toBeCloseTo(STARTUP_SECONDS + work / 2, 9);
    await closeIdleThreads();
  });

  it('the smallest probe times the simulation only: its readout and mechanisms, three times slower, change nothing', async () => {
    const sweep = spec({ network: { n: 64 }, sweep: { n: [64, 300] } });
    const prober = async (rs: readonly ProbeRequest[]) => rs.map((r) => r.runs.flatMap((run, j) => model(run).map((ms, phase) => (j === 2 && phase > 0 ? 3 * ms : ms))));
    const est = await estimateCost(sweep, { threads: 1, backend: 'cpu', archive: false, prober });
    const ms = planRuns(sweep).map((r) => model(r).reduce((a, b) => a + b, 0));
    expect(est.seconds).toBeCloseTo(STARTUP_SECONDS + ms.reduce((a, b) => a + b, 0) / 1000, 9);
  });

  it('rate runs of other time constants and connectivity share one probe; noise, form and LIF connectivity do not', async () => {
    const count = async (over: object) => {
      let requests = 0;
      const prober = async (rs: readonly ProbeRequest[]) => ((requests += rs.length), rs.map((r) => r.runs.flatMap((run) => model(run))));
      await estimateCost(spec(over), { threads: 1, backend: 'cpu', archive: false, prober });
      return requests;
    };
    const manipulations = [
      { label: 'base', ops: [] },
      { label: 'sparser', ops: [{ op: 'resampleConnectivity', p: 0.02 }] },
      { label: 'none', ops: [{ op: 'removeRecurrence' }] },
    ];
    expect(await count({ network: { n: 30 }, sweep: { tauMean: [2, 5, 20], manipulations } })).toBe(1);
    // its probes have weights to time, whichever run of the kind comes first
    const probed: RunSpec[] = [];
    const capture = async (rs: readonly ProbeRequest[]) => (probed.push(...rs.flatMap((r) => r.runs)), rs.map((r) => r.runs.flatMap((run) => model(run))));
    await estimateCost(spec({ network: { n: 30 }, sweep: { manipulations: [manipulations[2], manipulations[1], manipulations[0]] } }), { threads: 1, backend: 'cpu', archive: false, prober: capture });
    expect(probed[0].network.manipulations).toEqual([]);
    expect(await count({ network: { n: 30, model: { kind: 'rate', noise: 0.1 } } })).toBe(1);
    expect(await count({ network: { n: 30 }, sweep: { manipulations: [manipulations[0], { label: 'dense', ops: [{ op: 'resampleConnectivity', p: 1 }] }] } })).toBe(2);
    expect(await count({ network: { n: 30, model: { kind: 'lif' } }, sweep: { manipulations } })).toBe(3);
    expect(await count({ network: { n: 30, model: { kind: 'lif' } }, sweep: { tauMean: [10, 20] } })).toBe(2);
  });

  it('LIF runs calibrated to their homogeneous twin: the twins a kind of their own, the most heterogeneous run probed for the others', async () => {
    const probed: RunSpec[] = [];
    const capture = async (rs: readonly ProbeRequest[]) => (probed.push(...rs.map((r) => r.runs[0])), rs.map((r) => r.runs.flatMap((run) => model(run))));
    const lif = { kind: 'lif', calibration: { target: 'homogeneous', by: 'bias' } };
    const heterogeneity = [0.5, 0, 2, 1].map((cv) => ({ family: 'lognormal', cv }));
    await estimateCost(spec({ network: { n: 30, model: lif }, sweep: { heterogeneity } }), { threads: 1, backend: 'cpu', archive: false, prober: capture });
    // a twin simulates once, a heterogeneous run searches (2 to 5 simulations): one probe could not price both
    expect(probed.map((r) => r.network.heterogeneity.cv).sort()).toEqual([0, 2]);
    // measured time constants (empirical, whose cv is 0) search too: they share the heterogeneous runs' probe
    probed.length = 0;
    const measured = { network: { n: 30, model: lif, heterogeneity: { family: 'empirical', values: [5, 10, 40] } }, sweep: { heterogeneity: [{ family: 'none' }, { family: 'empirical' }] } };
    await estimateCost(spec(measured), { threads: 1, backend: 'cpu', archive: false, prober: capture });
    expect(probed.map((r) => r.network.heterogeneity.family).sort()).toEqual(['empirical', 'none']);
    // without a search (a fixed target, or no calibration) the time constants do not make a kind
    probed.length = 0;
    await estimateCost(spec({ network: { n: 30, model: { ...lif, calibration: { target: 10, by: 'bias' } } }, sweep: { heterogeneity } }), { threads: 1, backend: 'cpu', archive: false, prober: capture });
    await estimateCost(spec({ network: { n: 30, model: { kind: 'lif' } }, sweep: { heterogeneity } }), { threads: 1, backend: 'cpu', archive: false, prober: capture });
    expect(probed).toHaveLength(2);
  });

  it('a kind whose largest run is small is probed at its own N; kinds of other storage apart', async () => {
    const sweep = spec({ network: { n: 13 }, sweep: { n: [13, 7], manipulations: [{ label: 'base', ops: [] }, { label: 'dense', ops: [{ op: 'resampleConnectivity', p: 1 }] }] } });
    const requests: ProbeRequest[] = [];
    const prober = async (rs: readonly ProbeRequest[]) => {
      requests.push(...rs);
      return rs.map((r) => r.runs.flatMap((run) => model(run)));
    };
    const est = await estimateCost(sweep, { threads: 1, backend: 'cpu', archive: false, prober });
    expect(requests.map((r) => r.runs.map((run) => [run.network.n, run.network.manipulations.length]))).toEqual([
      [[13, 0], [3, 0], [1, 0]],
      [[13, 1], [3, 1], [1, 1]],
    ]);
    const ms = planRuns(sweep).map((r) => model(r).reduce((a, b) => a + b, 0));
    expect(est.seconds).toBeCloseTo(STARTUP_SECONDS + ms.reduce((a, b) => a + b, 0) / 1000, 9);
  });
});

describe('memory at once', () => {
  it('counts each worker thread\'s base and the targets it may keep between runs, and the runs at once', async () => {
    const spec = parseExperiment({ name: 'm', network: { n: 120 }, sweep: { heterogeneity: [{ family: 'none' }, { family: 'lognormal', cv: 1 }], seeds: 3 } });
    for (const threads of [1, 2]) {
      const est = await estimateSize(spec, { threads, backend: 'wasm', archive: false });
      expect(est.concurrent).toBe(threads);
      expect(est.peakBytes).toBe(PROCESS_BASE_BYTES + threads * (THREAD_BASE_BYTES + KEPT_TARGETS_BYTES + KEPT_W_EIGENVALUES_BYTES) + threads * runMemory(shapeOf(planRuns(spec)[0], runTasks(planRuns(spec)[0]).length)).total);
    }
  });
});
