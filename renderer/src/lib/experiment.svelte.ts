// The experiment designer's state: the sweep factors as editable lists, and the spec they make with
// the network designer's network and the chosen suite.
import type { SavedSuite, SpecIssue } from '../api/types.js';
import { FAMILIES, networkSpec } from './network.svelte.js';
import { formatNumberList, parseNumberList } from './lists.js';
import { channelsSpec, loadSuite, suite as suiteState, suiteSpec } from './suite.svelte.js';

export const MANIPULATION_OPS = {
  none: { label: 'base network (no change)', param: null },
  scaleGain: { label: 'scale the gain / spectral radius by', param: 'factor' },
  resampleConnectivity: { label: 'resample with connection probability', param: 'p' },
  weightNoise: { label: 'multiplicative weight noise, sigma', param: 'sigma' },
  prune: { label: 'prune a fraction of synapses', param: 'fraction' },
  removeRecurrence: { label: 'remove recurrence (W = 0)', param: null },
  scaleInput: { label: 'scale the input by', param: 'factor' },
  perturbTau: { label: 'perturb the time constants, sigma', param: 'sigma' },
} as const;
export type ManipulationOp = keyof typeof MANIPULATION_OPS;

export interface ManipulationRow {
  label: string;
  op: ManipulationOp;
  value: number | null;
  mode: 'random' | 'weakest';
}

export const experiment = $state({
  name: 'My experiment',
  description: '',
  claim: '',
  rootSeed: 1 as number | null,
  /** 'default', 'designer' (the task-suite designer's suite and channels) or 'saved:<name>@<version>' */
  suiteChoice: 'default',
  hetFamilies: Object.fromEntries(FAMILIES.map((f) => [f, f === 'none' || f === 'lognormal'])) as Record<string, boolean>,
  hetLevels: '0.5, 1',
  /** conditions loaded from a spec that the family x level grid cannot express; cleared by editing the grid */
  customConditions: null as { family: string; cv: number }[] | null,
  nList: '',
  seeds: 3 as number | null,
  trainLengths: '',
  tauMeans: '',
  manipulations: [] as ManipulationRow[],
  ifArchived: 'resume' as 'resume' | 'new',
  /** the rest of a loaded spec (analysis, input, readout), kept as it was */
  extra: {} as Record<string, unknown>,
});

export function heterogeneityConditions(): { family: string; cv: number }[] {
  if (experiment.customConditions) return experiment.customConditions;
  const lv = parseNumberList(experiment.hetLevels, { min: 0, max: 10, allowEmpty: true });
  const levels = lv.ok ? lv.value : [];
  const out: { family: string; cv: number }[] = [];
  for (const f of FAMILIES) {
    if (!experiment.hetFamilies[f]) continue;
    if (f === 'none' || f === 'empirical') out.push({ family: f, cv: 0 });
    else for (const cv of levels) out.push({ family: f, cv });
  }
  return out;
}

export function manipulationSpec(rows: ManipulationRow[]) {
  return rows.map((r) => {
    const param = MANIPULATION_OPS[r.op].param;
    const ops = r.op === 'none' ? [] : [{ op: r.op, ...(param ? { [param]: r.value } : {}), ...(r.op === 'prune' ? { mode: r.mode } : {}) }];
    return { label: r.label, ops };
  });
}

/** The experiment spec, with the problems the form can see at once (the server validates it again). */
export function experimentSpec(saved: SavedSuite[]): { spec: Record<string, unknown>; issues: SpecIssue[] } {
  const e = experiment;
  const issues: SpecIssue[] = [];
  const sweep: Record<string, unknown> = { seeds: e.seeds ?? undefined };
  const anyFamily = Object.values(e.hetFamilies).some(Boolean);
  if (e.customConditions || anyFamily) {
    const lv = parseNumberList(e.hetLevels, { min: 0, max: 10, allowEmpty: true });
    if (!e.customConditions && !lv.ok) issues.push({ path: 'sweep.heterogeneity (levels)', value: JSON.stringify(e.hetLevels), allowed: lv.error });
    const conds = heterogeneityConditions();
    if (conds.length === 0) issues.push({ path: 'sweep.heterogeneity', value: 'nothing', allowed: 'give at least one level c for the chosen families (or untick them all to use the network designer\'s)' });
    sweep.heterogeneity = conds;
  }
  const list = (text: string, path: string, o: { integer?: boolean; min?: number; max?: number }) => {
    const r = parseNumberList(text, { ...o, allowEmpty: true });
    if (!r.ok) issues.push({ path, value: JSON.stringify(text), allowed: r.error });
    else if (r.value.length) sweep[path.replace('sweep.', '')] = r.value;
  };
  list(e.nList, 'sweep.n', { integer: true, min: 1, max: 20000 });
  list(e.trainLengths, 'sweep.trainLength', { integer: true, min: 1 });
  list(e.tauMeans, 'sweep.tauMean', { min: 1e-9 });
  if (e.manipulations.length) {
    e.manipulations.forEach((m, i) => {
      if (!m.label.trim()) issues.push({ path: `sweep.manipulations[${i}].label`, value: '""', allowed: 'give the condition a label' });
      if (MANIPULATION_OPS[m.op].param && (m.value === null || !Number.isFinite(m.value))) issues.push({ path: `sweep.manipulations[${i}].${MANIPULATION_OPS[m.op].param}`, value: 'nothing', allowed: 'a number is required' });
    });
    sweep.manipulations = manipulationSpec(e.manipulations);
  }
  const spec: Record<string, unknown> = {
    kind: 'quench.experiment',
    version: 1,
    ...e.extra,
    name: e.name,
    description: e.description,
    claim: e.claim,
    rootSeed: e.rootSeed ?? undefined,
    network: networkSpec(),
    sweep,
  };
  if (e.suiteChoice === 'designer') {
    const s = suiteSpec();
    if (!s.spec) issues.push(...s.issues.map((i) => ({ ...i, path: `suite (task-suite designer): ${i.path}` })));
    else spec.suite = s.spec;
    const input = (e.extra.input as Record<string, unknown> | undefined) ?? {};
    spec.input = { ...input, channels: channelsSpec() };
  } else if (e.suiteChoice.startsWith('saved:')) {
    const key = e.suiteChoice.slice(6);
    const s = saved.find((x) => `${x.name}@${x.version}` === key);
    if (!s) issues.push({ path: 'suite', value: key, allowed: 'choose a saved suite that exists' });
    else {
      spec.suite = s.suite;
      // a saved suite is run on the channels it was designed (and its tasks counted) with
      const input = (e.extra.input as Record<string, unknown> | undefined) ?? {};
      spec.input = { ...input, channels: s.channels };
    }
  } else spec.suite = 'default';
  return { spec, issues };
}

/** Loads an experiment spec (a preset) into the designer; the network goes to the network designer. */
export function loadExperiment(spec: Record<string, any>): void {
  const { kind: _k, version: _v, name, description, claim, rootSeed, network: _n, suite, sweep, ...extra } = spec;
  experiment.name = name ?? 'My experiment';
  experiment.description = description ?? '';
  experiment.claim = claim ?? '';
  experiment.rootSeed = rootSeed ?? 1;
  experiment.extra = extra;
  if (suite && typeof suite === 'object') {
    loadSuite(suite);
    const chans = (extra.input as { channels?: { family: string; timescaleSteps?: number }[] } | undefined)?.channels;
    if (chans) suiteState.channels = chans.map((c) => ({ family: c.family ?? 'white', timescaleSteps: c.timescaleSteps ?? null }));
    experiment.suiteChoice = 'designer';
  } else experiment.suiteChoice = 'default';
  const sw = sweep ?? {};
  experiment.seeds = sw.seeds ?? 1;
  experiment.nList = sw.n ? formatNumberList(sw.n) : '';
  experiment.trainLengths = sw.trainLength ? formatNumberList(sw.trainLength) : '';
  experiment.tauMeans = sw.tauMean ? formatNumberList(sw.tauMean) : '';
  const conds: { family: string; cv: number }[] | undefined = sw.heterogeneity;
  experiment.customConditions = null;
  for (const f of FAMILIES) experiment.hetFamilies[f] = false;
  if (conds) {
    const fams = [...new Set(conds.map((c) => c.family))];
    const levels = [...new Set(conds.filter((c) => c.family !== 'none' && c.family !== 'empirical').map((c) => c.cv))].sort((a, b) => a - b);
    for (const f of fams) experiment.hetFamilies[f] = true;
    experiment.hetLevels = levels.join(', ');
    const grid = heterogeneityConditions();
    const same = grid.length === conds.length && conds.every((c) => grid.some((g) => g.family === c.family && g.cv === c.cv));
    if (!same) experiment.customConditions = conds;
  }
  experiment.manipulations = (sw.manipulations ?? []).map((m: { label: string; ops: Record<string, any>[] }) => {
    const op = m.ops[0];
    if (!op) return { label: m.label, op: 'none', value: null, mode: 'random' };
    const param = MANIPULATION_OPS[op.op as ManipulationOp]?.param;
    return { label: m.label, op: op.op, value: param ? op[param] : null, mode: op.mode ?? 'random' };
  });
}
