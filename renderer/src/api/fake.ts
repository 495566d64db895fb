// An in-memory QuenchApi for developing the renderer without a server (open the app with ?fake=1).
// It answers every method with plausible, deterministic data: 10 000 archived runs to page through,
// jobs that progress and send events, comparisons and reports made from the fake runs. The numbers
// are invented (see fake-engine.ts); nothing here is the science.
import type {
  AppInfo,
  Comparison,
  CompareRequest,
  ExperimentSummary,
  JobStatus,
  NetworkPreview,
  NoteRow,
  PresetSummary,
  QuenchEvent,
  Report,
  RunQuery,
  RunRow,
  SavedSuite,
  SpecIssue,
  StartExperiment,
  SuitePreview,
  TaskDef,
  TaskDiff,
  TaskSignals,
  Validation,
} from '../../../common/api.js';
import type { GroupSummary, PairSummary, DiffRow, Curve } from '../../../db/compare.js';
import { ApiCallError, type Client } from './types.js';
import { DEFAULT_SUITE, expandSuite, hashString, normal, rng, taskSignals, tauDraw } from './fake-engine.js';

type Interval = { mean: number; lo: number; hi: number; n: number; halfWidth: number };
type AnySpec = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const presetFiles = import.meta.glob('../../../assets/presets/*.json', { eager: true, import: 'default' }) as Record<string, AnySpec>;

export const DEFAULT_SUITE_FAMILIES = DEFAULT_SUITE.families;
const WHITE3 = [{ family: 'white' }, { family: 'white' }, { family: 'white' }];
const DEFAULT_TASKS = expandSuite(DEFAULT_SUITE, WHITE3);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const now = () => new Date().toISOString();
const hex = (n: number, seed: number) => {
  const r = rng(seed);
  let s = '';
  while (s.length < n) s += Math.floor(r() * 16).toString(16);
  return s;
};

function t975(df: number): number {
  const table = [NaN, 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228];
  return df < table.length ? table[df]! : 1.96 + 2.4 / df;
}
function interval(xs: number[]): Interval {
  const n = xs.length;
  const m = xs.reduce((a, b) => a + b, 0) / Math.max(1, n);
  if (n < 2) return { mean: m, lo: m, hi: m, n, halfWidth: NaN };
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (n - 1));
  const h = (t975(n - 1) * sd) / Math.sqrt(n);
  return { mean: m, lo: m - h, hi: m + h, n, halfWidth: h };
}
function wilcoxon(d: number[]): { pValue: number; statistic: number; n: number; method: string } {
  const nz = d.filter((x) => x !== 0);
  const n = nz.length;
  if (n === 0) return { pValue: 1, statistic: 0, n: 0, method: 'normal approximation (fake)' };
  const idx = nz.map((x, i) => [Math.abs(x), i] as const).sort((a, b) => a[0] - b[0]);
  let wPlus = 0;
  idx.forEach(([, i], r) => {
    if (nz[i]! > 0) wPlus += r + 1;
  });
  const mu = (n * (n + 1)) / 4;
  const sigma = Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24);
  const z = Math.abs(wPlus - mu) / sigma;
  const p = Math.min(1, 2 * (1 - phi(z)));
  return { pValue: p, statistic: wPlus, n, method: 'normal approximation (fake)' };
}
function phi(z: number): number {
  const t = 1 / (1 + 0.2316419 * z);
  const d = 0.3989423 * Math.exp((-z * z) / 2);
  return 1 - d * t * (0.3193815 + t * (-0.3565638 + t * (1.781478 + t * (-1.821256 + t * 1.330274))));
}

function specError(source: string, issues: SpecIssue[]): ApiCallError {
  return new ApiCallError(source, {
    kind: 'spec',
    message: `${source} is invalid:\n` + issues.map((i) => `  - ${i.path}: got ${i.value}; ${i.allowed}`).join('\n'),
    issues,
  });
}
const show = (v: unknown) => (v === undefined ? 'nothing' : JSON.stringify(v));

// ---------------------------------------------------------------------------------------------
// validation of the pieces the designers send (a subset of common/spec.ts, enough to show issues)

function num(issues: SpecIssue[], path: string, v: unknown, o: { min?: number; gt?: number; max?: number; int?: boolean; optional?: boolean }) {
  if (v === undefined && o.optional) return;
  if (typeof v !== 'number' || !Number.isFinite(v)) return void issues.push({ path, value: show(v), allowed: 'expected number' });
  if (o.int && !Number.isInteger(v)) return void issues.push({ path, value: show(v), allowed: 'expected a whole number' });
  if (o.min !== undefined && v < o.min) return void issues.push({ path, value: show(v), allowed: `must be at least ${o.min}` });
  if (o.gt !== undefined && v <= o.gt) return void issues.push({ path, value: show(v), allowed: `must be greater than ${o.gt}` });
  if (o.max !== undefined && v > o.max) return void issues.push({ path, value: show(v), allowed: `must be at most ${o.max}` });
}

function checkNetwork(net: AnySpec, prefix: string): SpecIssue[] {
  const is: SpecIssue[] = [];
  const p = (s: string) => (prefix ? `${prefix}.${s}` : s);
  num(is, p('n'), net.n ?? 100, { min: 1, max: 20000, int: true });
  num(is, p('p'), net.p ?? 0.1, { gt: 0, max: 1 });
  const sc = net.scaling ?? { mode: 'gain', g: 0.9 };
  if (sc.mode === 'gain') num(is, p('scaling.g'), sc.g, { min: 0, max: 100 });
  else num(is, p('scaling.rho'), sc.rho, { min: 0, max: 100 });
  num(is, p('inputScale'), net.inputScale ?? 1, { min: 0 });
  num(is, p('inputConnectivity'), net.inputConnectivity ?? 1, { gt: 0, max: 1 });
  num(is, p('biasScale'), net.biasScale ?? 0.5, { min: 0 });
  const h = net.heterogeneity ?? {};
  num(is, p('heterogeneity.cv'), h.cv ?? 0, { min: 0, max: 10 });
  num(is, p('heterogeneity.tauMin'), h.tauMin, { gt: 0, optional: true });
  num(is, p('heterogeneity.tauMax'), h.tauMax, { gt: 0, optional: true });
  if (h.tauMin !== undefined && h.tauMax !== undefined && h.tauMin >= h.tauMax) is.push({ path: p('heterogeneity.tauMax'), value: show(h.tauMax), allowed: `must be greater than tauMin (${h.tauMin})` });
  if (h.family === 'empirical' && !(Array.isArray(h.values) && h.values.length >= 2))
    is.push({ path: p('heterogeneity.values'), value: show(h.values), allowed: 'family "empirical" needs values (at least 2 measured time constants)' });
  const m = net.model ?? { kind: 'rate' };
  if (m.kind === 'lif') {
    num(is, p('model.tauMeanMs'), m.tauMeanMs ?? 20, { gt: 0, max: 1e5 });
    num(is, p('model.dtSimMs'), m.dtSimMs ?? 1, { gt: 0 });
    num(is, p('model.dtTaskMs'), m.dtTaskMs ?? 10, { gt: 0 });
    const ratio = (m.dtTaskMs ?? 10) / (m.dtSimMs ?? 1);
    if (Math.abs(ratio - Math.round(ratio)) > 1e-9) is.push({ path: p('model.dtTaskMs'), value: show(m.dtTaskMs), allowed: `must be a whole multiple of dtSimMs (${m.dtSimMs})` });
    if ((m.vReset ?? 0) >= (m.vTh ?? 1)) is.push({ path: p('model.vReset'), value: show(m.vReset), allowed: `must be below vTh (${m.vTh ?? 1})` });
  } else {
    num(is, p('model.tauMeanSteps'), m.tauMeanSteps ?? 5, { gt: 0, max: 1e6 });
    num(is, p('model.noise'), m.noise ?? 0, { min: 0 });
  }
  return is;
}

function checkSuite(suite: AnySpec, prefix: string): SpecIssue[] {
  const is: SpecIssue[] = [];
  if (!Array.isArray(suite?.families) || suite.families.length === 0) {
    is.push({ path: `${prefix}families`, value: show(suite?.families), allowed: 'must be at least 1 item(s)' });
    return is;
  }
  suite.families.forEach((f: AnySpec, i: number) => {
    for (const key of ['delays', 'degrees', 'windows', 'orders', 'horizons', 'functions', 'kinds']) {
      if (key in f && (!Array.isArray(f[key]) || f[key].length === 0)) is.push({ path: `${prefix}families[${i}].${key}`, value: show(f[key]), allowed: 'must be at least 1 item(s)' });
    }
  });
  return is;
}

// ---------------------------------------------------------------------------------------------
// the fake archive

interface FakeExperiment extends ExperimentSummary {
  spec: AnySpec;
}

function capacityOf(r: Pick<RunRow, 'family' | 'cv' | 'n' | 'manipulation' | 'train_length' | 'tau_mean' | 'seed_index' | 'uid'>): number {
  const homo = r.family === 'none' || r.cv === 0;
  const skewed = r.family === 'lognormal' || r.family === 'gamma';
  const c = Math.min(r.cv, 2);
  let gain = 0;
  if (!homo) gain = skewed ? 0.035 * c - 0.006 * c * c : r.family === 'reflected-lognormal' ? -0.012 * c : 0.012 * c - 0.012 * c * c;
  let cap = 0.16 + 0.045 * Math.log2(r.n / 25) + gain + 0.02 * Math.log2(r.train_length / 2000);
  if (r.manipulation === 'no recurrence') cap -= homo ? 0.08 : 0.03;
  else if (r.manipulation.startsWith('gain x')) cap -= Math.abs(Number(r.manipulation.slice(6)) - 1) * (homo ? 0.06 : 0.02);
  else if (r.manipulation.startsWith('p=')) cap -= Math.abs(Math.log10(Number(r.manipulation.slice(2)) / 0.1)) * (homo ? 0.02 : 0.008);
  cap -= Math.abs(Math.log2(r.tau_mean / 5)) * 0.01;
  return Math.max(0.01, cap + 0.006 * normal(rng(hashString(r.uid))));
}

function taskCapacity(run: RunRow, t: TaskDef, i: number): number {
  const homo = run.family === 'none' || run.cv === 0;
  const reach = 6 + run.n / 40 + (homo ? 0 : 5 * Math.min(run.cv, 1.5)) - (run.manipulation === 'no recurrence' ? 3 : 0);
  const base = Math.exp(-t.memoryDepth / reach) * Math.exp(-(t.nonlinearity - 1) * (homo ? 0.9 : 0.7));
  const noise = 0.04 * normal(rng(hashString(run.uid) ^ (i * 2654435761)));
  return Math.max(0, Math.min(1, base * (run.mean_capacity ?? 0.2) * 2.2 + noise));
}

function sweepRuns(spec: AnySpec): { family: string; cv: number; n: number; tau: number; L: number; manipulation: string; seed: number }[] {
  const s = spec.sweep ?? {};
  const net = spec.network ?? {};
  const model = net.model ?? { kind: 'rate' };
  const hets: { family: string; cv: number }[] = s.heterogeneity ?? [{ family: net.heterogeneity?.family ?? 'none', cv: net.heterogeneity?.cv ?? 0 }];
  const ns: number[] = s.n ?? [net.n ?? 100];
  const taus: number[] = s.tauMean ?? [model.kind === 'lif' ? model.tauMeanMs ?? 20 : model.tauMeanSteps ?? 5];
  const Ls: number[] = s.trainLength ?? [spec.input?.segments?.train ?? 2000];
  const manips: string[] = (s.manipulations ?? [{ label: 'base' }]).map((m: AnySpec) => m.label);
  const seeds: number = s.seeds ?? 1;
  const out = [];
  for (const h of hets) for (const n of ns) for (const tau of taus) for (const L of Ls) for (const manipulation of manips) for (let seed = 0; seed < seeds; seed++) out.push({ ...h, n, tau, L, manipulation, seed });
  return out;
}

export function createFakeClient(): Client {
  const listeners = new Set<(e: QuenchEvent) => void>();
  const emit = (e: QuenchEvent) => listeners.forEach((l) => l(e));
  const experiments: FakeExperiment[] = [];
  const runs: RunRow[] = [];
  const notes: NoteRow[] = [];
  const jobs = new Map<string, JobStatus & { timer?: ReturnType<typeof setInterval> }>();
  const suites: SavedSuite[] = [
    { name: 'default', version: 1, tasks: DEFAULT_TASKS.length, savedAt: '2024-05-01T09:00:00.000Z', suite: { name: 'default', version: 1, families: DEFAULT_SUITE_FAMILIES } as SavedSuite['suite'] },
  ];
  const sets: { name: string; runs: number; created_at: string; definition: unknown }[] = [];
  let seq = 1;

  const presets: PresetSummary[] = Object.entries(presetFiles)
    .map(([path, spec]) => {
      const name = path.replace(/^.*\/(.*)\.json$/, '$1');
      return { name, title: spec.name, claim: spec.claim ?? '', description: spec.description ?? '', runs: sweepRuns(spec).length, tasks: DEFAULT_TASKS.length, spec: spec as PresetSummary['spec'] };
    })
    .sort((a, b) => a.name.localeCompare(b.name));

  function addExperiment(spec: AnySpec, status: 'done' | 'pending', createdAt: string): FakeExperiment {
    const id = hex(16, seq++ * 7919 + hashString(spec.name));
    const planned = sweepRuns(spec);
    const tasks = spec.suite && spec.suite !== 'default' ? expandSuite(spec.suite, spec.input?.channels ?? WHITE3).length : DEFAULT_TASKS.length;
    const e: FakeExperiment = {
      id,
      spec_hash: hex(64, hashString(id)),
      nonce: '',
      name: spec.name,
      analysis: spec.analysis ?? 'none',
      claim: spec.claim ?? '',
      root_seed: spec.rootSeed ?? 1,
      sweep_json: JSON.stringify(spec.sweep ?? {}),
      planned_runs: planned.length,
      task_count: tasks,
      app_version: '0.1.0',
      created_at: createdAt,
      done: 0,
      pending: 0,
      failed: 0,
      last_finished_at: null,
      tags: [],
      notes: 0,
      spec,
    };
    experiments.push(e);
    const model = spec.network?.model?.kind === 'lif' ? 'lif' : 'rate';
    planned.forEach((p, i) => {
      const uid = hex(16, hashString(id) ^ (i * 40503));
      const row: RunRow = {
        uid,
        experiment_id: id,
        experiment_name: spec.name,
        run_index: i,
        status,
        family: p.family,
        cv: p.cv,
        n: p.n,
        tau_mean: p.tau,
        train_length: p.L,
        manipulation: p.manipulation,
        model,
        seed_index: p.seed,
        root_seed: spec.rootSeed ?? 1,
        backend: null,
        app_version: '0.1.0',
        mean_capacity: null,
        mean_r2: null,
        tau_realised_cv: null,
        tau_realised_skewness: null,
        rho_eff: null,
        mean_rate_hz: null,
        total_ms: null,
        config_hash: hex(16, hashString(`${id}${p.family}${p.cv}${p.n}${p.tau}${p.L}${p.manipulation}`)),
        created_at: createdAt,
        finished_at: null,
        tags: [],
      };
      if (status === 'done') finish(row, createdAt);
      runs.push(row);
    });
    recount(e);
    return e;
  }

  function finish(row: RunRow, at: string) {
    const r = rng(hashString(row.uid) + 1);
    const homo = row.family === 'none' || row.cv === 0;
    row.status = 'done';
    row.backend = row.n >= 400 ? 'wasm-f32' : 'wasm';
    row.mean_capacity = capacityOf(row);
    row.mean_r2 = row.mean_capacity - 0.05 - 0.02 * r();
    row.tau_realised_cv = homo ? 0 : row.cv * (0.85 + 0.2 * r());
    row.tau_realised_skewness = homo ? 0 : row.family === 'lognormal' ? 3 * row.cv + row.cv ** 3 : row.family === 'gamma' ? 2 * row.cv : row.family === 'reflected-lognormal' ? -3 * row.cv : 0.05 * normal(r);
    row.rho_eff = row.manipulation === 'no recurrence' ? 0.8 : 0.93 + 0.04 * r();
    row.mean_rate_hz = row.model === 'lif' ? 9 + 20 * r() : null;
    row.total_ms = Math.round(200 + row.n * row.n * 0.02 + 80 * r());
    row.finished_at = at;
  }

  function recount(e: FakeExperiment) {
    const rs = runs.filter((r) => r.experiment_id === e.id);
    e.done = rs.filter((r) => r.status === 'done').length;
    e.pending = rs.filter((r) => r.status === 'pending').length;
    e.last_finished_at = rs.reduce<string | null>((a, r) => (r.finished_at && (!a || r.finished_at > a) ? r.finished_at : a), null);
    e.notes = notes.filter((n) => n.target === e.id).length;
  }

  // seed the archive: every preset finished once, and one big sweep so that the runs table has 10 000 rows
  for (const p of presets) addExperiment(p.spec as AnySpec, 'done', '2024-05-02T10:00:00.000Z');
  const have = runs.length;
  const families = ['none', 'uniform', 'normal', 'lognormal', 'gamma', 'reflected-lognormal'];
  const levels = [0.25, 0.5, 1, 2];
  const big: AnySpec = {
    name: 'Large sweep',
    claim: 'a wide sweep to page through',
    analysis: 'heterogeneity',
    rootSeed: 7,
    network: { n: 100 },
    sweep: { heterogeneity: families.flatMap((f) => (f === 'none' ? [{ family: f, cv: 0 }] : levels.map((cv) => ({ family: f, cv })))), n: [25, 50, 100, 200], seeds: Math.ceil((10000 - have) / (21 * 4)) },
  };
  addExperiment(big, 'done', '2024-05-03T08:30:00.000Z');
  runs.splice(10000); // exactly 10 000 runs
  const bigExperiment = experiments[experiments.length - 1]!;
  bigExperiment.planned_runs = runs.filter((r) => r.experiment_id === bigExperiment.id).length;
  recount(bigExperiment);
  runs.slice(0, 40).forEach((r) => r.tags.push('paper'));
  // one experiment left half finished, to resume
  const half = addExperiment({ ...(presets.find((p) => p.name === 'timescale')?.spec as AnySpec), name: 'Timescale (interrupted)', rootSeed: 11 }, 'pending', '2024-05-04T16:00:00.000Z');
  runs.filter((r) => r.experiment_id === half.id).slice(0, 9).forEach((r) => finish(r, '2024-05-04T16:05:00.000Z'));
  recount(half);

  // -----------------------------------------------------------------------------------------
  // selections

  const COLUMNS: Record<string, keyof RunRow> = {
    family: 'family', heterogeneity: 'family', cv: 'cv', level: 'cv', n: 'n', size: 'n', tau: 'tau_mean', tau_mean: 'tau_mean', taumean: 'tau_mean',
    l: 'train_length', train_length: 'train_length', trainlength: 'train_length', manipulation: 'manipulation', model: 'model', seed: 'seed_index',
    seed_index: 'seed_index', status: 'status', capacity: 'mean_capacity', mean_capacity: 'mean_capacity', r2: 'mean_r2', experiment: 'experiment_id',
    experiment_id: 'experiment_id', run: 'uid', uid: 'uid', backend: 'backend', realised_cv: 'tau_realised_cv', skewness: 'tau_realised_skewness',
    rho_eff: 'rho_eff', rate: 'mean_rate_hz', ms: 'total_ms', root_seed: 'root_seed',
  };
  function clause(text: string): (r: RunRow) => boolean {
    const m = /^\s*([^=!<>~\s]+)\s*(!=|>=|<=|=|<|>|~)\s*(.*?)\s*$/.exec(text);
    if (!m) throw new ApiCallError('listRuns', { kind: 'input', message: `cannot read the condition "${text}": write FIELD=VALUE (or != < <= > >= ~), e.g. family=lognormal, n>=100, network.p=0.1` });
    const [, key, op, value] = m as unknown as [string, string, string, string];
    if (key.toLowerCase() === 'homogeneous' || key.toLowerCase() === 'homo') {
      const want = value === 'true' || value === '1' || value === 'yes';
      return (r) => ((r.family === 'none' || (r.cv === 0 && r.family !== 'empirical')) === want) === (op === '=');
    }
    const col = COLUMNS[key.toLowerCase()];
    if (!col) {
      if (key.includes('.')) return () => true; // spec paths: the fake keeps no run specs
      throw new ApiCallError('listRuns', { kind: 'input', message: `unknown field "${key}" in "${text}": use one of ${[...new Set(Object.values(COLUMNS))].join(', ')}, or a path into the run spec such as network.p` });
    }
    const values = op === '=' || op === '!=' ? value.split('|') : [value];
    return (r) => {
      const v = r[col];
      const eq = values.some((x) => String(v) === x || (typeof v === 'number' && Number(x) === v));
      switch (op) {
        case '=': return eq;
        case '!=': return !eq;
        case '<': return (v as number) < Number(value);
        case '<=': return (v as number) <= Number(value);
        case '>': return (v as number) > Number(value);
        case '>=': return (v as number) >= Number(value);
        default: return new RegExp('^' + value.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$').test(String(v));
      }
    };
  }
  function select(q: RunQuery): RunRow[] {
    const preds = (q.where ?? []).map(clause);
    return runs.filter(
      (r) =>
        preds.every((p) => p(r)) &&
        (!q.tags?.length || q.tags.every((t) => r.tags.includes(t) || experiments.find((e) => e.id === r.experiment_id)?.tags.includes(t))) &&
        (!q.status?.length || q.status.includes(r.status)) &&
        (!q.experiments?.length || q.experiments.includes(r.experiment_id)) &&
        (!q.runUids?.length || q.runUids.includes(r.uid)),
    );
  }

  // -----------------------------------------------------------------------------------------
  // comparisons

  const isHomo = (r: { family: string; cv: number }) => r.family === 'none' || (r.cv === 0 && r.family !== 'empirical');
  const hetLabel = (r: { family: string; cv: number }) => (isHomo(r) ? (r.family === 'none' ? 'homogeneous' : `homogeneous (${r.family} c=0)`) : `${r.family} c=${r.cv}`);

  function compareOf(req: CompareRequest): { c: Comparison; perTask: Map<string, number[]>; taskList: TaskDef[] } {
    const selected = select({ ...req.filter, status: ['done'] });
    const texts = req.conditions?.length ? req.conditions : ['homogeneous=true', 'homogeneous=false'];
    if (req.conditions?.length === 1) throw new ApiCallError('compare', { kind: 'input', message: 'compare needs two or more conditions (or none, for homogeneous against each heterogeneous level)' });
    const preds = texts.map((t) => t.split(',').filter((s) => s.trim()).map(clause));
    const byGroup = new Map<string, { cond: number; rows: RunRow[] }>();
    for (const r of selected) {
      const cond = preds.findIndex((ps) => ps.every((p) => p(r)));
      if (cond < 0) continue;
      const key = `${r.config_hash}:${cond}`;
      const g = byGroup.get(key) ?? { cond, rows: [] };
      g.rows.push(r);
      byGroup.set(key, g);
    }
    if (byGroup.size === 0) throw new ApiCallError('compare', { kind: 'not-found', message: 'no finished runs in archive (fake) match this selection and conditions' });
    const entries = [...byGroup.entries()].sort((a, b) => a[1].cond - b[1].cond || a[1].rows[0]!.run_index - b[1].rows[0]!.run_index);
    const varies = (f: (r: RunRow) => unknown) => new Set(entries.map(([, g]) => f(g.rows[0]!))).size > 1;
    const vN = varies((r) => r.n), vTau = varies((r) => r.tau_mean), vL = varies((r) => r.train_length), vM = varies((r) => r.manipulation), vE = varies((r) => r.experiment_id);
    const labelOf = (r: RunRow) =>
      [hetLabel(r), vN && `N=${r.n}`, vTau && `tau=${r.tau_mean}`, vL && `L=${r.train_length}`, vM && r.manipulation, vE && r.experiment_name].filter(Boolean).join(', ');
    const taskList = DEFAULT_TASKS;
    const perTask = new Map<string, number[]>();
    const fams = [...new Set(taskList.map((t) => t.family))];
    const groups: GroupSummary[] = entries.map(([key, g]) => {
      const r0 = g.rows[0]!;
      const caps = g.rows.map((r) => taskList.map((t, i) => taskCapacity(r, t, i)));
      perTask.set(key, taskList.map((_, i) => caps.reduce((a, c) => a + c[i]!, 0) / caps.length));
      const perFamily: Record<string, Interval> = {};
      for (const f of fams) {
        perFamily[f] = interval(caps.map((c) => {
          const xs = taskList.map((t, i) => (t.family === f ? c[i]! : NaN)).filter((x) => !Number.isNaN(x));
          return xs.reduce((a, b) => a + b, 0) / xs.length;
        }));
      }
      return {
        key,
        config: r0.config_hash,
        condition: g.cond,
        conditionText: texts[g.cond]!,
        label: labelOf(r0),
        factors: { family: r0.family, cv: r0.cv, n: r0.n, tauMean: r0.tau_mean, trainLength: r0.train_length, manipulation: r0.manipulation, model: r0.model },
        experiments: [...new Set(g.rows.map((r) => r.experiment_id))],
        runs: g.rows.length,
        meanCapacity: interval(g.rows.map((r) => r.mean_capacity!)),
        perFamily,
        realised: { cv: g.rows[0]!.tau_realised_cv, skewness: g.rows[0]!.tau_realised_skewness },
        rhoEff: r0.rho_eff,
        meanRateHz: r0.mean_rate_hz,
      };
    });
    const rest = (g: GroupSummary) => `${g.factors.n}|${g.factors.tauMean}|${g.factors.trainLength}|${g.factors.manipulation}|${g.factors.model}`;
    const pairs: PairSummary[] = [];
    const unpaired: string[] = [];
    for (const g of groups.filter((x) => x.condition > 0)) {
      const base = groups.find((b) => b.condition === 0 && rest(b) === rest(g));
      if (!base) {
        unpaired.push(g.key);
        continue;
      }
      const br = byGroup.get(base.key)!.rows;
      const gr = byGroup.get(g.key)!.rows;
      const shared = gr.filter((r) => br.some((b) => b.seed_index === r.seed_index));
      const seedDiffs = shared.map((r) => r.mean_capacity! - br.find((b) => b.seed_index === r.seed_index)!.mean_capacity!);
      const a = perTask.get(base.key)!;
      const b = perTask.get(g.key)!;
      const d = b.map((x, i) => x - a[i]!);
      const wins = d.filter((x) => x > 1e-12).length;
      const losses = d.filter((x) => x < -1e-12).length;
      const perFamily: PairSummary['perFamily'] = {};
      for (const f of fams) {
        const xs = d.filter((_, i) => taskList[i]!.family === f);
        perFamily[f] = { tasks: xs.length, meanDiff: xs.reduce((s, x) => s + x, 0) / xs.length, fractionWon: xs.filter((x) => x > 0).length / xs.length };
      }
      pairs.push({
        label: `${g.label} vs ${base.label}`,
        baseline: base.key,
        other: g.key,
        baselineLabel: base.label,
        otherLabel: g.label,
        seeds: shared.length,
        meanDiff: interval(seedDiffs),
        tasks: d.length,
        meanTaskDiff: d.reduce((s, x) => s + x, 0) / d.length,
        fractionWon: wins / d.length,
        wins,
        losses,
        ties: d.length - wins - losses,
        wilcoxon: wilcoxon(d),
        perFamily,
      });
    }
    let curve: Curve | null = null;
    const curveKey = (req.curve ?? (vM ? 'manipulation' : null)) as string | null;
    const keyMap: Record<string, keyof GroupSummary['factors']> = { manipulation: 'manipulation', n: 'n', tau_mean: 'tauMean', train_length: 'trainLength', cv: 'cv' };
    if (curveKey) {
      const k = keyMap[curveKey];
      if (!k) throw new ApiCallError('compare', { kind: 'input', message: `curve ${curveKey}: choose one of manipulation, n, tau_mean, train_length, cv` });
      const xs = [...new Set(groups.map((g) => g.factors[k]))];
      if (typeof xs[0] === 'number') (xs as number[]).sort((p, q) => p - q);
      const series = new Map<string, Curve['series'][number]>();
      for (const g of groups) {
        const label = k === 'cv' ? g.factors.family : hetLabel(g.factors);
        const s = series.get(label) ?? { label, points: xs.map(() => null) };
        s.points[xs.indexOf(g.factors[k])] = { x: g.factors[k], meanCapacity: g.meanCapacity, runs: g.runs };
        series.set(label, s);
      }
      if (xs.length > 1) curve = { x: k, xs, series: [...series.values()] };
    }
    const diff: DiffRow[] = [];
    const fields: [string, (g: GroupSummary) => unknown][] = [
      ['network.heterogeneity.family', (g) => g.factors.family],
      ['network.heterogeneity.cv', (g) => g.factors.cv],
      ['network.n', (g) => g.factors.n],
      ['network.model.tauMeanSteps', (g) => g.factors.tauMean],
      ['factors.trainLength', (g) => g.factors.trainLength],
      ['factors.manipulation', (g) => g.factors.manipulation],
    ];
    for (const [path, f] of fields) {
      if (new Set(groups.map((g) => JSON.stringify(f(g)))).size > 1) diff.push({ path, values: Object.fromEntries(groups.map((g) => [g.key, f(g)])) });
    }
    return { c: { conditions: texts, families: fams, groups, pairs, unpaired, curve, diff }, perTask, taskList };
  }

  // -----------------------------------------------------------------------------------------
  // jobs

  function startJob(e: FakeExperiment): JobStatus {
    const id = `job-${hex(8, seq++ * 31)}`;
    const pending = () => runs.filter((r) => r.experiment_id === e.id && r.status === 'pending');
    const total = e.planned_runs;
    const job: JobStatus & { timer?: ReturnType<typeof setInterval> } = {
      id, experimentId: e.id, name: e.name, state: 'running', done: e.done, total, runsPerSecond: 0, etaSeconds: null, error: null, startedAt: now(),
      backend: 'wasm (the fake client simulates nothing)',
    };
    const t0 = Date.now();
    const startDone = e.done;
    const perTick = Math.max(1, Math.round(total / 40));
    job.timer = setInterval(() => {
      const todo = pending().slice(0, perTick);
      for (const r of todo) finish(r, now());
      recount(e);
      job.done = e.done;
      const secs = (Date.now() - t0) / 1000;
      job.runsPerSecond = (job.done - startDone) / Math.max(secs, 1e-3);
      job.etaSeconds = job.runsPerSecond > 0 ? (total - job.done) / job.runsPerSecond : null;
      if (job.done >= total) {
        job.state = 'done';
        job.etaSeconds = 0;
        clearInterval(job.timer);
      }
      emit({ type: 'job', job: strip(job) });
    }, 250);
    jobs.set(id, job);
    return strip(job);
  }
  const strip = (j: JobStatus & { timer?: unknown }): JobStatus => {
    const { timer: _t, ...rest } = j;
    return { ...rest };
  };

  // -----------------------------------------------------------------------------------------

  const api: Omit<Client, 'onEvent'> = {
    async info(): Promise<AppInfo> {
      const names = ['cpu', 'wasm', 'wasm-f32'];
      return {
        version: '0.1.0 (fake client)',
        archivePath: '(in memory: the development fake, ?fake=1)',
        backends: names,
        backendStatus: [
          ...names.map((name) => ({ name, precision: name === 'wasm-f32' ? 'float32' : 'float64', available: true, reason: null })),
          { name: 'gpujs-webgl', precision: 'float32', available: false, reason: 'no GPU host is connected (the fake client has none)' },
        ],
        gpuHost: null,
        threads: 4,
      };
    },
    async listPresets() {
      return structuredClone(presets);
    },
    async validateExperiment(spec: unknown): Promise<Validation> {
      const s = spec as AnySpec;
      const issues: SpecIssue[] = [];
      if (typeof s?.name !== 'string' || s.name.trim() === '') issues.push({ path: 'name', value: show(s?.name), allowed: 'must be at least 1 character(s)' });
      issues.push(...checkNetwork(s?.network ?? {}, 'network'));
      if (s?.suite && s.suite !== 'default') issues.push(...checkSuite(s.suite, 'suite.'));
      const sw = s?.sweep ?? {};
      for (const k of ['heterogeneity', 'n', 'trainLength', 'manipulations', 'tauMean']) {
        if (k in sw && (!Array.isArray(sw[k]) || sw[k].length === 0)) issues.push({ path: `sweep.${k}`, value: show(sw[k]), allowed: 'must be at least 1 item(s)' });
      }
      num(issues, 'sweep.seeds', sw.seeds ?? 1, { min: 1, max: 10000, int: true });
      (sw.n ?? []).forEach((n: unknown, i: number) => num(issues, `sweep.n[${i}]`, n, { min: 1, max: 20000, int: true }));
      const train = s?.input?.segments?.train ?? 2000;
      (sw.trainLength ?? []).forEach((l: number, i: number) => {
        if (l > train) issues.push({ path: `sweep.trainLength[${i}]`, value: show(l), allowed: `must be at most the training segment (input.segments.train = ${train})` });
      });
      await sleep(120);
      if (issues.length) return { ok: false, issues };
      const planned = sweepRuns(s);
      const tasks = s.suite && s.suite !== 'default' ? expandSuite(s.suite, s.input?.channels ?? WHITE3).length : DEFAULT_TASKS.length;
      const secs = planned.reduce((a, r) => a + 0.15 + (r.n * r.n) / 40000, 0) / 4;
      return { ok: true, spec: s as never, runs: planned.length, tasks, estimatedSeconds: secs };
    },
    async previewNetwork(network: unknown, seed: number): Promise<NetworkPreview> {
      const net = (network ?? {}) as AnySpec;
      const issues = checkNetwork(net, '');
      await sleep(60);
      if (issues.length) throw specError('network', issues);
      const n: number = net.n ?? 100;
      const model = net.model ?? { kind: 'rate' };
      const lif = model.kind === 'lif';
      const tauMean: number = lif ? model.tauMeanMs ?? 20 : model.tauMeanSteps ?? 5;
      const h = net.heterogeneity ?? { family: 'none', cv: 0 };
      const tauMin: number = h.tauMin ?? (lif ? model.dtSimMs ?? 1 : 1);
      const tauMax: number = h.tauMax ?? 100 * tauMean;
      const draw = tauDraw(h, n, tauMean, lif ? model.dtSimMs ?? 1 : 1, seed * 977 + 13);
      const tau = Array.from(draw.tau);
      const m = draw.stats;
      const bounded = m.bounded;
      const bins = Math.max(8, Math.min(40, Math.round(Math.sqrt(n) * 1.5)));
      const lo = m.min === m.max ? m.min - 0.5 : m.min;
      const hi = m.min === m.max ? m.max + 0.5 : m.max;
      const edges = Array.from({ length: bins + 1 }, (_, i) => lo + ((hi - lo) * i) / bins);
      const counts = new Array<number>(bins).fill(0);
      for (const v of tau) counts[Math.min(bins - 1, Math.floor(((v - lo) / (hi - lo)) * bins))]!++;
      let eigW: NetworkPreview['eigW'] = null;
      let eigEff: NetworkPreview['eigEff'] = null;
      let rhoW: number | null = null;
      let rhoEff: number | null = null;
      if (!lif && n <= 2000) {
        const sc = net.scaling ?? { mode: 'gain', g: 0.9 };
        const radius = sc.mode === 'radius' ? sc.rho : sc.g;
        const er = rng(seed * 31 + 7);
        const re: number[] = [];
        const im: number[] = [];
        for (let i = 0; i < n; ) {
          const rad = radius * Math.sqrt(er());
          const th = Math.PI * er();
          if (i + 1 < n && er() < 0.8) {
            re.push(rad * Math.cos(th), rad * Math.cos(th));
            im.push(rad * Math.sin(th), -rad * Math.sin(th));
            i += 2;
          } else {
            re.push(rad * (er() < 0.5 ? -1 : 1));
            im.push(0);
            i += 1;
          }
        }
        const a = tau.map((t) => Math.exp(-1 / t));
        const eRe = re.map((x, i) => a[i]! + (1 - a[i]!) * x);
        const eIm = im.map((y, i) => (1 - a[i]!) * y);
        eigW = { re, im };
        eigEff = { re: eRe, im: eIm };
        rhoW = Math.max(...re.map((x, i) => Math.hypot(x, im[i]!)));
        rhoEff = Math.max(...eRe.map((x, i) => Math.hypot(x, eIm[i]!)));
      }
      return {
        tau: { tau, stats: { mean: m.mean, cv: m.cv, skewness: m.skewness, min: m.min, max: m.max, bounded }, histogram: { edges, counts }, tauMin, tauMax, unit: lif ? 'ms' : 'steps' },
        eigW,
        eigEff,
        rhoW,
        rhoEff,
        density: net.p ?? 0.1,
      };
    },
    async previewSuite(suite: unknown, channels: unknown): Promise<SuitePreview> {
      const s = suite as AnySpec;
      const issues = checkSuite(s, '');
      await sleep(50);
      if (issues.length) throw specError('suite', issues);
      const tasks = expandSuite(s as never, (channels as AnySpec[]) ?? WHITE3);
      const counts: Record<string, number> = { delay: 0, legendre: 0, product: 0, window: 0, narma: 0, forecast: 0, xor: 0, static: 0 };
      for (const t of tasks) counts[t.family] = (counts[t.family] ?? 0) + 1;
      return { tasks, counts };
    },
    async previewTask(suite: unknown, channels: unknown, taskId: string, seed: number, steps: number): Promise<TaskSignals> {
      const chans = ((channels as AnySpec[]) ?? WHITE3) as { family?: string; timescaleSteps?: number }[];
      const task = expandSuite(suite as never, chans).find((t) => t.id === taskId);
      await sleep(60);
      if (!task) throw new ApiCallError('previewTask', { kind: 'not-found', message: `the suite has no task "${taskId}"` });
      return { taskId, ...taskSignals(task, chans, steps, seed) };
    },
    async listSuites() {
      return structuredClone(suites);
    },
    async saveSuite(suite: unknown): Promise<SavedSuite> {
      const s = suite as AnySpec;
      const issues = checkSuite(s, '');
      if (typeof s?.name !== 'string' || !s.name.trim()) issues.unshift({ path: 'name', value: show(s?.name), allowed: 'must be at least 1 character(s)' });
      await sleep(80);
      if (issues.length) throw specError('suite', issues);
      const version = 1 + Math.max(0, ...suites.filter((x) => x.name === s.name).map((x) => x.version));
      const saved: SavedSuite = { name: s.name, version, tasks: expandSuite(s as never, WHITE3).length, savedAt: now(), suite: { ...s, version } as SavedSuite['suite'] };
      suites.push(saved);
      return structuredClone(saved);
    },
    async startExperiment(req: StartExperiment): Promise<JobStatus> {
      const v = await api.validateExperiment(req.spec);
      if (!v.ok) throw specError('experiment', v.issues);
      const spec = req.spec as AnySpec;
      const same = experiments.find((e) => JSON.stringify(e.spec) === JSON.stringify(spec));
      if (same && req.ifArchived !== 'new') {
        if (same.done >= same.planned_runs) throw new ApiCallError('startExperiment', { kind: 'input', message: `this spec is already experiment ${same.id} "${same.name}", complete (${same.done} runs): see it under Runs or Compare, or start it as a separate experiment` });
        return startJob(same);
      }
      return startJob(addExperiment(spec, 'pending', now()));
    },
    async resumeExperiment(experimentId: string): Promise<JobStatus> {
      const e = experiments.find((x) => x.id === experimentId || x.id.startsWith(experimentId));
      if (!e) throw new ApiCallError('resumeExperiment', { kind: 'not-found', message: `no experiment ${experimentId} in the archive` });
      if ([...jobs.values()].some((j) => j.experimentId === e.id && j.state === 'running')) throw new ApiCallError('resumeExperiment', { kind: 'input', message: `experiment "${e.name}" is already running` });
      return startJob(e);
    },
    async cancelJob(jobId: string): Promise<JobStatus> {
      const j = jobs.get(jobId);
      if (!j) throw new ApiCallError('cancelJob', { kind: 'not-found', message: `no job ${jobId}` });
      if (j.state === 'running') {
        clearInterval(j.timer);
        j.state = 'cancelled';
        j.etaSeconds = null;
        emit({ type: 'job', job: strip(j) });
      }
      return strip(j);
    },
    async listJobs() {
      return [...jobs.values()].map(strip);
    },
    async listExperiments() {
      experiments.forEach(recount);
      return experiments.map(({ spec: _s, ...e }) => structuredClone(e));
    },
    async listRuns(q: RunQuery) {
      await sleep(40);
      const rows = select(q);
      if (q.sort) {
        const k = q.sort as keyof RunRow;
        const dir = q.descending ? -1 : 1;
        rows.sort((a, b) => {
          const x = a[k];
          const y = b[k];
          if (x === y) return a.run_index - b.run_index;
          if (x === null) return 1;
          if (y === null) return -1;
          return (x < y ? -1 : 1) * dir;
        });
      }
      const off = q.offset ?? 0;
      return { rows: structuredClone(rows.slice(off, q.limit !== undefined ? off + q.limit : undefined)), total: rows.length };
    },
    async tagRuns(runIds: string[], tags: string[], remove?: boolean) {
      let changed = 0;
      for (const r of runs) {
        if (!runIds.includes(r.uid)) continue;
        for (const t of tags) {
          const has = r.tags.includes(t);
          if (remove && has) {
            r.tags = r.tags.filter((x) => x !== t);
            changed++;
          } else if (!remove && !has) {
            r.tags.push(t);
            changed++;
          }
        }
      }
      return changed;
    },
    async addNote(runId: string, text: string) {
      if (!runs.some((r) => r.uid === runId)) throw new ApiCallError('addNote', { kind: 'not-found', message: `no run ${runId}` });
      if (!text.trim()) throw new ApiCallError('addNote', { kind: 'input', message: 'a note needs some text' });
      notes.push({ kind: 'run', target: runId, text, created_at: now() });
    },
    async notes(runId: string) {
      return notes.filter((n) => n.target === runId);
    },
    async compare(req: CompareRequest) {
      await sleep(250);
      return compareOf(req).c;
    },
    async taskDiffs(req: CompareRequest): Promise<TaskDiff[]> {
      const { c, perTask, taskList } = compareOf(req);
      return c.pairs.flatMap((p) => {
        const a = perTask.get(p.baseline)!;
        const b = perTask.get(p.other)!;
        return taskList.map((t, i) => ({ pair: p.label, id: t.id, family: t.family, memoryDepth: t.memoryDepth, nonlinearity: t.nonlinearity, diff: b[i]! - a[i]! }));
      });
    },
    async saveComparisonSet(name: string, req: CompareRequest) {
      if (!name.trim()) throw new ApiCallError('saveComparisonSet', { kind: 'input', message: 'a comparison set needs a name' });
      if (sets.some((s) => s.name === name)) throw new ApiCallError('saveComparisonSet', { kind: 'input', message: `a comparison set named "${name}" already exists; choose another name` });
      sets.push({ name, runs: select({ ...req.filter, status: ['done'] }).length, created_at: now(), definition: { conditions: req.conditions ?? [], curve: req.curve ?? null, filter: req.filter } });
    },
    async listComparisonSets() {
      return structuredClone(sets);
    },
    async report(req: CompareRequest, title: string): Promise<Report> {
      await sleep(400);
      const { c } = compareOf(req);
      const esc = (s: string) => s.replace(/[&<>"]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[ch]!);
      const max = Math.max(...c.groups.map((g) => g.meanCapacity.hi), 0.01);
      const bars = c.groups
        .map((g, i) => `<rect x="${10 + i * 28}" y="${190 - (g.meanCapacity.mean / max) * 170}" width="20" height="${(g.meanCapacity.mean / max) * 170}" fill="${i ? '#0072B2' : '#E69F00'}"><title>${esc(g.label)}: ${g.meanCapacity.mean.toFixed(3)}</title></rect>`)
        .join('');
      const html = `<!doctype html><html><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}th:first-child,td:first-child{text-align:left}</style></head><body>
<h1>${esc(title)}</h1><p><em>Made by the development fake client: invented numbers.</em></p>
<h2>Mean capacity per configuration</h2><svg width="${20 + c.groups.length * 28}" height="200" role="img" aria-label="mean capacity per configuration">${bars}</svg>
<table><thead><tr><th>configuration</th><th>seeds</th><th>mean capacity</th><th>95 % CI</th></tr></thead><tbody>
${c.groups.map((g) => `<tr><td>${esc(g.label)}</td><td>${g.runs}</td><td>${g.meanCapacity.mean.toFixed(3)}</td><td>[${g.meanCapacity.lo.toFixed(3)}, ${g.meanCapacity.hi.toFixed(3)}]</td></tr>`).join('\n')}
</tbody></table>
<h2>Paired comparisons</h2><table><thead><tr><th>comparison</th><th>seeds</th><th>Δ mean capacity</th><th>tasks won</th><th>Wilcoxon p</th></tr></thead><tbody>
${c.pairs.map((p) => `<tr><td>${esc(p.label)}</td><td>${p.seeds}</td><td>${p.meanDiff.mean >= 0 ? '+' : ''}${p.meanDiff.mean.toFixed(3)}</td><td>${(100 * p.fractionWon).toFixed(0)} %</td><td>${p.wilcoxon.pValue.toExponential(1)}</td></tr>`).join('\n')}
</tbody></table></body></html>`;
      const csv = {
        configurations: 'configuration,seeds,mean_capacity,lo,hi\n' + c.groups.map((g) => `"${g.label}",${g.runs},${g.meanCapacity.mean},${g.meanCapacity.lo},${g.meanCapacity.hi}`).join('\n') + '\n',
        pairs: 'comparison,seeds,delta,lo,hi,fraction_won,wilcoxon_p\n' + c.pairs.map((p) => `"${p.label}",${p.seeds},${p.meanDiff.mean},${p.meanDiff.lo},${p.meanDiff.hi},${p.fractionWon},${p.wilcoxon.pValue}`).join('\n') + '\n',
      };
      return { html, csv, fileBase: title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'report' };
    },
  };

  return {
    ...api,
    onEvent(cb: (e: QuenchEvent) => void) {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
  } as Client;
}
