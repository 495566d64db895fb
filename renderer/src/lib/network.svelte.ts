// The network designer's state, kept for the whole session (the experiment designer takes its base
// network from here), with the spec it stands for and the checks that need no round trip.
import type { SpecIssue } from '../api/types.js';

export const FAMILIES = ['none', 'uniform', 'normal', 'lognormal', 'gamma', 'reflected-lognormal', 'empirical'] as const;
export const FAMILY_HELP: Record<string, string> = {
  none: 'homogeneous: every tau equals tau_mean',
  uniform: 'symmetric, flat: U[1 − √3·c, 1 + √3·c]',
  normal: 'symmetric: N(1, c²)',
  lognormal: 'right-skewed (long right tail, like measured membrane time constants)',
  gamma: 'right-skewed: shape 1/c², scale c²',
  'reflected-lognormal': 'left-skewed: 2 − lognormal',
  empirical: 'resampled from measured values you load from a CSV file',
};

export const network = $state({
  modelKind: 'rate' as 'rate' | 'lif',
  rate: { form: 'li' as 'li' | 'esn', tauMeanSteps: 5 as number | null, noise: 0 as number | null },
  lif: {
    tauMeanMs: 20 as number | null,
    tauSynMs: 5 as number | null,
    vRest: 0 as number | null,
    vReset: 0 as number | null,
    vTh: 1 as number | null,
    tRefMs: 2 as number | null,
    dtSimMs: 1 as number | null,
    dtTaskMs: 10 as number | null,
    tauReadMs: 20 as number | null,
    dale: false,
    biasMean: 0.5 as number | null,
    noise: 0 as number | null,
  },
  n: 100 as number | null,
  p: 0.1 as number | null,
  scalingMode: 'gain' as 'gain' | 'radius',
  g: 0.9 as number | null,
  rho: 0.9 as number | null,
  inputScale: 1 as number | null,
  inputConnectivity: 1 as number | null,
  biasScale: 0.5 as number | null,
  het: {
    family: 'lognormal' as (typeof FAMILIES)[number],
    cv: 0.5 as number | null,
    tauMin: null as number | null,
    tauMax: null as number | null,
    bound: 'clip' as 'clip' | 'redraw',
    values: null as number[] | null,
    valuesSource: '',
  },
  /** the network seed used for the preview */
  seed: 1 as number | null,
  /** spec fields this form does not edit (e.g. manipulations of a loaded preset), kept as they were */
  extra: {} as Record<string, unknown>,
});

const num = (v: number | null) => (v === null || v === undefined || Number.isNaN(v) ? undefined : v);

/** The NetworkSpec the form stands for (unset optional fields left out, so the defaults apply). */
export function networkSpec(): Record<string, unknown> {
  const s = network;
  const model =
    s.modelKind === 'rate'
      ? { kind: 'rate', form: s.rate.form, tauMeanSteps: num(s.rate.tauMeanSteps), noise: num(s.rate.noise) }
      : { kind: 'lif', ...Object.fromEntries(Object.entries(s.lif).map(([k, v]) => [k, typeof v === 'boolean' ? v : num(v)])) };
  const heterogeneity: Record<string, unknown> = { family: s.het.family, cv: s.het.family === 'none' || s.het.family === 'empirical' ? 0 : num(s.het.cv), bound: s.het.bound };
  if (num(s.het.tauMin) !== undefined) heterogeneity.tauMin = s.het.tauMin;
  if (num(s.het.tauMax) !== undefined) heterogeneity.tauMax = s.het.tauMax;
  if (s.het.values) heterogeneity.values = [...s.het.values];
  return {
    ...s.extra,
    n: num(s.n),
    p: num(s.p),
    scaling: s.scalingMode === 'gain' ? { mode: 'gain', g: num(s.g) } : { mode: 'radius', rho: num(s.rho) },
    inputScale: num(s.inputScale),
    inputConnectivity: num(s.inputConnectivity),
    biasScale: num(s.biasScale),
    heterogeneity,
    model,
  };
}

/** Fills the form from a NetworkSpec (a preset's, or a saved one); absent fields take the defaults. */
export function loadNetwork(spec: Record<string, any> | undefined): void {
  const s = spec ?? {};
  const { n, p, scaling, inputScale, inputConnectivity, biasScale, heterogeneity, model, ...extra } = s;
  network.n = n ?? 100;
  network.p = p ?? 0.1;
  network.scalingMode = scaling?.mode ?? 'gain';
  network.g = scaling?.g ?? 0.9;
  network.rho = scaling?.rho ?? 0.9;
  network.inputScale = inputScale ?? 1;
  network.inputConnectivity = inputConnectivity ?? 1;
  network.biasScale = biasScale ?? 0.5;
  const h = heterogeneity ?? {};
  network.het.family = h.family ?? 'none';
  network.het.cv = h.cv ?? 0;
  network.het.tauMin = h.tauMin ?? null;
  network.het.tauMax = h.tauMax ?? null;
  network.het.bound = h.bound ?? 'clip';
  network.het.values = h.values ?? null;
  network.het.valuesSource = h.values ? `${h.values.length} values from the loaded spec` : '';
  const m = model ?? { kind: 'rate' };
  network.modelKind = m.kind === 'lif' ? 'lif' : 'rate';
  if (m.kind === 'lif') {
    const d = { tauMeanMs: 20, tauSynMs: 5, vRest: 0, vReset: 0, vTh: 1, tRefMs: 2, dtSimMs: 1, dtTaskMs: 10, tauReadMs: 20, dale: false, biasMean: 0.5, noise: 0 };
    Object.assign(network.lif, d, m);
    delete (network.lif as Record<string, unknown>).kind;
  } else {
    network.rate.form = m.form ?? 'li';
    network.rate.tauMeanSteps = m.tauMeanSteps ?? 5;
    network.rate.noise = m.noise ?? 0;
  }
  network.extra = extra;
}

type Check = { path: string; v: number | null; min?: number; gt?: number; max?: number; int?: boolean; optional?: boolean };

function checkOne(c: Check): SpecIssue | null {
  const value = c.v === null || c.v === undefined ? 'nothing' : String(c.v);
  if (c.v === null || c.v === undefined || Number.isNaN(c.v)) return c.optional ? null : { path: c.path, value, allowed: 'a number is required' };
  if (c.int && !Number.isInteger(c.v)) return { path: c.path, value, allowed: 'expected a whole number' };
  if (c.min !== undefined && c.v < c.min) return { path: c.path, value, allowed: `must be at least ${c.min}` };
  if (c.gt !== undefined && c.v <= c.gt) return { path: c.path, value, allowed: `must be greater than ${c.gt}` };
  if (c.max !== undefined && c.v > c.max) return { path: c.path, value, allowed: `must be at most ${c.max}` };
  return null;
}

/** The checks of common/spec.ts NetworkSchema that the form can make at once (the server has the last word). */
export function checkNetwork(): SpecIssue[] {
  const s = network;
  const checks: Check[] = [
    { path: 'n', v: s.n, min: 1, max: 20000, int: true },
    { path: 'p', v: s.p, gt: 0, max: 1 },
    s.scalingMode === 'gain' ? { path: 'scaling.g', v: s.g, min: 0, max: 100 } : { path: 'scaling.rho', v: s.rho, min: 0, max: 100 },
    { path: 'inputScale', v: s.inputScale, min: 0 },
    { path: 'inputConnectivity', v: s.inputConnectivity, gt: 0, max: 1 },
    { path: 'biasScale', v: s.biasScale, min: 0 },
    { path: 'heterogeneity.tauMin', v: s.het.tauMin, gt: 0, optional: true },
    { path: 'heterogeneity.tauMax', v: s.het.tauMax, gt: 0, optional: true },
    { path: 'seed', v: s.seed, min: 0, max: 0xffffffff, int: true },
  ];
  if (s.het.family !== 'none' && s.het.family !== 'empirical') checks.push({ path: 'heterogeneity.cv', v: s.het.cv, min: 0, max: 10 });
  if (s.modelKind === 'rate') {
    checks.push({ path: 'model.tauMeanSteps', v: s.rate.tauMeanSteps, gt: 0, max: 1e6 }, { path: 'model.noise', v: s.rate.noise, min: 0 });
  } else {
    const l = s.lif;
    checks.push(
      { path: 'model.tauMeanMs', v: l.tauMeanMs, gt: 0, max: 1e5 },
      { path: 'model.tauSynMs', v: l.tauSynMs, gt: 0 },
      { path: 'model.vRest', v: l.vRest },
      { path: 'model.vReset', v: l.vReset },
      { path: 'model.vTh', v: l.vTh },
      { path: 'model.tRefMs', v: l.tRefMs, min: 0 },
      { path: 'model.dtSimMs', v: l.dtSimMs, gt: 0 },
      { path: 'model.dtTaskMs', v: l.dtTaskMs, gt: 0 },
      { path: 'model.tauReadMs', v: l.tauReadMs, gt: 0 },
      { path: 'model.biasMean', v: l.biasMean },
      { path: 'model.noise', v: l.noise, min: 0 },
    );
  }
  const issues = checks.map(checkOne).filter((x): x is SpecIssue => x !== null);
  const h = s.het;
  if (h.tauMin !== null && h.tauMax !== null && h.tauMin >= h.tauMax) issues.push({ path: 'heterogeneity.tauMax', value: String(h.tauMax), allowed: `must be greater than tauMin (${h.tauMin})` });
  if (h.family === 'empirical' && !(h.values && h.values.length >= 2)) issues.push({ path: 'heterogeneity.values', value: 'nothing', allowed: 'family "empirical" needs values: load a CSV of at least 2 measured time constants' });
  if (h.family === 'reflected-lognormal' && h.bound === 'redraw' && (h.cv ?? 0) > 3) issues.push({ path: 'heterogeneity.cv', value: String(h.cv), allowed: 'reflected-lognormal with bound "redraw" cannot reach cv above 3 (almost every draw is negative)' });
  if (s.modelKind === 'lif') {
    const l = s.lif;
    if (l.dtSimMs && l.dtTaskMs && Math.round(l.dtTaskMs / l.dtSimMs) < 1) issues.push({ path: 'model.dtTaskMs', value: String(l.dtTaskMs), allowed: `must be at least dtSimMs (${l.dtSimMs}): a task step is one or more simulation steps` });
    else if (l.dtSimMs && l.dtTaskMs && Math.abs(l.dtTaskMs / l.dtSimMs - Math.round(l.dtTaskMs / l.dtSimMs)) > 1e-9) issues.push({ path: 'model.dtTaskMs', value: String(l.dtTaskMs), allowed: `must be a whole multiple of dtSimMs (${l.dtSimMs})` });
    if (l.vReset !== null && l.vTh !== null && l.vReset >= l.vTh) issues.push({ path: 'model.vReset', value: String(l.vReset), allowed: `must be below vTh (${l.vTh})` });
  }
  return issues;
}

/** Issue paths of a whole experiment or of a network alone, as the form's own paths. */
export function networkPath(path: string): string {
  return path.replace(/^network\./, '');
}
