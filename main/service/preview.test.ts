// The designers' previews in two halves (the taus at once for any N, the eigenvalues in worker threads
// that a newer preview or cancelPreview stops), the suite preview's word on families that make no
// task, and saved networks and suites (with their channels) through the service. The worker threads
// run from dist/ (npm test builds it first).
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NetworkSchema, type NetworkSpec } from '../../common/spec.js';
import { buildNetwork } from '../../worker/network.js';
import { seedsFor } from '../plan.js';
import { QuenchService } from '../service.js';
import { toApiError } from './errors.js';
import { logHistogram, PREVIEW_MAX_N } from './preview.js';

const dir = mkdtempSync(join(tmpdir(), 'quench-preview-'));
let archives = 0;
const fresh = () => new QuenchService({ archive: join(dir, `archive-${archives++}.sqlite`), backend: 'cpu', threads: 2 });
const failure = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => toApiError(e));

describe('network preview in two halves', () => {
  const svc = fresh();
  afterAll(() => svc.close());

  it('draws the taus exactly as the network of run 0 has them (manipulations, LIF, realised matching), without W', async () => {
    const specs = [
      { n: 150, heterogeneity: { family: 'lognormal', cv: 1 } },
      { n: 80, heterogeneity: { family: 'gamma', cv: 0.5 }, manipulations: [{ op: 'scaleGain', factor: 0.5 }, { op: 'perturbTau', sigma: 0.3 }] },
      { n: 60, model: { kind: 'lif' }, heterogeneity: { family: 'uniform', cv: 0.4, match: 'realised' } },
    ];
    for (const raw of specs) {
      const spec = NetworkSchema.parse(raw) as NetworkSpec;
      const net = buildNetwork(spec, 1, seedsFor(9, 0).network);
      const p = await svc.previewTaus(raw, 9);
      expect(p.tau.tau).toEqual(Array.from(net.tau));
      expect(p.tau.stats).toEqual(JSON.parse(JSON.stringify(net.tauStats)));
      expect(p.tau.histogram.counts.reduce((a, b) => a + b, 0)).toBe(spec.n);
      expect(p.tau.logHistogram.counts.reduce((a, b) => a + b, 0)).toBe(spec.n);
      expect(p.spectrumWithheld).toBeNull();
      expect(p.spectrumMaxN).toBe(PREVIEW_MAX_N);
    }
  });

  it('bins log tau in equal ratios between the smallest and largest tau', () => {
    const h = logHistogram([1, 3, 30, 300, 1000], 3);
    expect(h.edges.map((e) => Math.round(e * 1e9) / 1e9)).toEqual([1, 10, 100, 1000]);
    expect(h.counts).toEqual([2, 1, 2]);
    const single = logHistogram([5, 5], 4);
    expect(single.edges[0]).toBeCloseTo(5 / 1.05, 12);
    expect(single.edges[4]).toBeCloseTo(5 * 1.05, 12);
    expect(single.counts.reduce((a, b) => a + b, 0)).toBe(2);
  });

  it('answers the taus of N = 20000 at once and says why the eigenvalues are not computed', async () => {
    const t0 = performance.now();
    const p = await svc.previewTaus({ n: 20000, heterogeneity: { family: 'lognormal', cv: 1 } }, 1);
    expect(performance.now() - t0).toBeLessThan(3000);
    expect(p.tau.tau).toHaveLength(20000);
    expect(p.tau.histogram.counts.reduce((a, b) => a + b, 0)).toBe(20000);
    expect(p.spectrumWithheld).toMatch(/N ≤ 1000 neurons \(this network has N = 20000\)/);
    const refused = await failure(svc.previewSpectrum({ n: 20000 }, 1, 'tab-1'));
    expect(refused).toMatchObject({ kind: 'input' });
    expect(refused!.message).toContain('N = 20000');
    // a bad spec is refused by both halves with its issues
    expect(await failure(svc.previewTaus({ n: 0 }, 1))).toMatchObject({ kind: 'spec', issues: [{ path: 'n' }] });
    expect(await failure(svc.previewSpectrum({ n: 10 }, 1, 'not a slot!'))).toMatchObject({ kind: 'input', issues: [{ path: 'slot' }] });
  });

  it('computes the eigenvalues as the whole preview does', async () => {
    const raw = { n: 90, p: 0.2, heterogeneity: { family: 'lognormal', cv: 1 } };
    const whole = await svc.previewNetwork(raw, 4);
    const spectrum = await svc.previewSpectrum(raw, 4, 'tab-2');
    expect(spectrum).toEqual({ eigW: whole.eigW, eigEff: whole.eigEff, rhoW: whole.rhoW, rhoEff: whole.rhoEff, density: whole.density });
    expect(spectrum.eigW!.re).toHaveLength(90);
    expect((await svc.previewTaus(raw, 4)).tau).toEqual(whole.tau);
  });

  it('stops a computation when a newer one comes in the same slot, or when its slot is cancelled', async () => {
    const big = { n: PREVIEW_MAX_N, p: 0.5 };
    // seconds of work on these cores: replaced at once by a small network in the same slot
    const stale = svc.previewSpectrum(big, 1, 'tab-3');
    await new Promise((r) => setTimeout(r, 50));
    const t0 = performance.now();
    const small = svc.previewSpectrum({ n: 20 }, 1, 'tab-3');
    const staleError = await failure(stale);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(staleError).toMatchObject({ kind: 'cancelled' });
    expect(staleError!.message).toMatch(/newer preview/);
    expect((await small).eigW!.re).toHaveLength(20);

    // another slot is not touched by it; cancelPreview stops a slot's computation and says so
    const other = svc.previewSpectrum({ n: 30 }, 1, 'tab-4');
    const cancelled = svc.previewSpectrum(big, 1, 'tab-5');
    await new Promise((r) => setTimeout(r, 50));
    expect(await svc.cancelPreview('tab-5')).toBe(true);
    expect(await failure(cancelled)).toMatchObject({ kind: 'cancelled' });
    expect((await other).eigW!.re).toHaveLength(30);
    expect(await svc.cancelPreview('tab-5')).toBe(false);
  }, 30_000);
});

describe('the suite preview explains a family that makes no task', () => {
  const svc = fresh();
  afterAll(() => svc.close());

  it('names the reason with the channels given', async () => {
    const white = [{ family: 'white' }, { family: 'white' }, { family: 'white' }];
    const d = await svc.previewSuite('default', white);
    expect(d.counts.forecast).toBe(0);
    expect(Object.keys(d.empty)).toEqual(['forecast']);
    expect(d.empty.forecast).toMatch(/predictable channels .*white/);
    const withSines = await svc.previewSuite('default', [...white, { family: 'sines' }]);
    expect(withSines.counts.forecast).toBeGreaterThan(0);
    expect(withSines.empty).toEqual({});
    const one = await svc.previewSuite({ name: 's', families: [{ family: 'product', delays: [0, 1] }, { family: 'delay', delays: [1] }] }, [{ family: 'white' }]);
    expect(one.empty).toEqual({ product: expect.stringMatching(/pairs of channels .* 1 channel/) });
  });
});

describe('saved designs through the service', () => {
  const svc = fresh();
  afterAll(() => svc.close());
  const four = [{ family: 'white' }, { family: 'white' }, { family: 'white' }, { family: 'coloured', timescaleSteps: 5 }];
  const suite = { name: 'four channels', families: [{ family: 'delay', delays: [0, 1, 2] }, { family: 'product', delays: [0, 1] }, { family: 'forecast', horizons: [1, 2] }] };

  it('keeps a suite\'s channels and counts its tasks with them', async () => {
    const expected = (await svc.previewSuite(suite, four)).tasks.length;
    const withDefault = (await svc.previewSuite(suite, four.slice(0, 3))).tasks.length;
    expect(expected).not.toBe(withDefault);
    const saved = await svc.saveSuite(suite, four);
    expect(saved).toMatchObject({ name: 'four channels', version: 1, tasks: expected, channels: four });
    expect((await svc.listSuites())[0]).toMatchObject({ tasks: expected, channels: four });
    // the same suite and channels: the same version; other channels: the next version, counted with them
    expect(await svc.saveSuite(suite, four)).toEqual(saved);
    expect(await svc.saveSuite(suite)).toMatchObject({ version: 2, tasks: withDefault, channels: four.slice(0, 3).map(({ family }) => ({ family })) });
    expect(await failure(svc.saveSuite(suite, [{ family: 'purple' }]))).toMatchObject({ kind: 'spec' });
    // a suite that makes no task with its channels is refused, naming them
    const none = await failure(svc.saveSuite({ name: 'nothing', families: [{ family: 'forecast', horizons: [1] }] }, [{ family: 'white' }]));
    expect(none).toMatchObject({ kind: 'spec', issues: [{ path: 'families', allowed: expect.stringContaining('1 input channel(s)') }] });
  });

  it('saves networks by name, validated, versioned like suites', async () => {
    expect(await svc.listNetworks()).toEqual([]);
    const v1 = await svc.saveNetwork('wide', { n: 300, heterogeneity: { family: 'gamma', cv: 1 } });
    expect(v1).toMatchObject({ name: 'wide', version: 1, network: { n: 300, p: 0.1, heterogeneity: { family: 'gamma', cv: 1 } } });
    expect(await svc.saveNetwork('wide', { n: 300, heterogeneity: { family: 'gamma', cv: 1 } })).toEqual(v1);
    expect((await svc.saveNetwork('wide', { n: 301, heterogeneity: { family: 'gamma', cv: 1 } })).version).toBe(2);
    await svc.saveNetwork('a small one', { n: 10 });
    expect((await svc.listNetworks()).map((n) => `${n.name}@${n.version}`)).toEqual(['a small one@1', 'wide@2', 'wide@1']);
    expect(await failure(svc.saveNetwork('bad', { n: 0 }))).toMatchObject({ kind: 'spec', issues: [{ path: 'n' }] });
    expect(await failure(svc.saveNetwork('  ', { n: 10 }))).toMatchObject({ kind: 'input', issues: [{ path: 'name' }] });
  });
});
