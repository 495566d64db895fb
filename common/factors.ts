// The sweep factors: what distinguishes the runs of an experiment, in one table that the planner
// (run keys), the archive (columns), the filters (names people type), the comparisons (pairing, labels,
// curves) and the app (labels, units) all read. A new factor is one entry here.
import type { RunFactors } from './results.js';

export interface SweepFactor {
  /** the field of RunFactors */
  key: keyof RunFactors;
  /** its name in a run's key ("train=2000"): part of every run's id, so never renamed */
  runKey: string;
  /** the runs table's column */
  column: string;
  /** where an experiment's sweep lists its values (null: not swept by a list) */
  sweep: 'heterogeneity' | 'n' | 'tauMean' | 'trainLength' | 'manipulations' | 'seeds' | null;
  /** other names people type (`--where L>=1000`, `--curve tau`) */
  aliases: readonly string[];
  /** in words, for axes and headers */
  label: string;
  unit: string | null;
  type: 'text' | 'number';
  /** how a value reads in a condition's label ("N=100"); null: the heterogeneity label says it */
  short: ((v: string | number) => string) | null;
  /** the run spec paths this factor stands for: a comparison that names the factor lets them differ */
  specPaths: readonly (readonly string[])[];
  /** may be the x axis of a curve */
  curve: boolean;
}

const HETEROGENEITY_PATHS = [
  ['network', 'heterogeneity', 'family'],
  ['network', 'heterogeneity', 'cv'],
  ['network', 'heterogeneity', 'match'],
  ['factors', 'match'],
] as const;

export const FACTORS: readonly SweepFactor[] = [
  { key: 'model', runKey: 'model', column: 'model', sweep: null, aliases: [], label: 'model', unit: null, type: 'text', short: (v) => String(v), specPaths: [['network', 'model']], curve: false },
  { key: 'family', runKey: 'family', column: 'family', sweep: 'heterogeneity', aliases: ['heterogeneity'], label: 'heterogeneity family', unit: null, type: 'text', short: null, specPaths: HETEROGENEITY_PATHS, curve: false },
  { key: 'cv', runKey: 'cv', column: 'cv', sweep: 'heterogeneity', aliases: ['level'], label: 'heterogeneity level c', unit: null, type: 'number', short: null, specPaths: HETEROGENEITY_PATHS, curve: true },
  { key: 'n', runKey: 'n', column: 'n', sweep: 'n', aliases: ['size'], label: 'network size N', unit: 'neurons', type: 'number', short: (v) => `N=${v}`, specPaths: [['network', 'n']], curve: true },
  {
    key: 'tauMean',
    runKey: 'tauMean',
    column: 'tau_mean',
    sweep: 'tauMean',
    aliases: ['tauMean', 'tau'],
    label: 'mean time constant tau_mean',
    unit: 'task steps (rate) or ms (LIF)',
    type: 'number',
    short: (v) => `tau=${v}`,
    specPaths: [['network', 'model', 'tauMeanSteps'], ['network', 'model', 'tauMeanMs']],
    curve: true,
  },
  {
    key: 'trainLength',
    runKey: 'train',
    column: 'train_length',
    sweep: 'trainLength',
    aliases: ['trainLength', 'L'],
    label: 'training length L',
    unit: 'steps',
    type: 'number',
    short: (v) => `L=${v}`,
    specPaths: [['factors', 'trainLength']],
    curve: true,
  },
  {
    key: 'manipulation',
    runKey: 'manipulation',
    column: 'manipulation',
    sweep: 'manipulations',
    aliases: [],
    label: 'manipulation of the recurrent weights',
    unit: null,
    type: 'text',
    short: (v) => String(v),
    specPaths: [['network', 'manipulations'], ['factors', 'manipulation']],
    curve: true,
  },
  { key: 'match', runKey: 'match', column: 'cv_match', sweep: 'heterogeneity', aliases: ['match'], label: 'how the level is matched', unit: null, type: 'text', short: null, specPaths: [['network', 'heterogeneity', 'match'], ['factors', 'match']], curve: false },
  { key: 'seedIndex', runKey: 'seed', column: 'seed_index', sweep: 'seeds', aliases: ['seed', 'seedIndex'], label: 'seed index', unit: null, type: 'number', short: null, specPaths: [], curve: false },
];

/** The factor a name stands for: its key, column or an alias (null: not a factor). */
export function factorByName(name: string): SweepFactor | null {
  return FACTORS.find((f) => f.key === name || f.column === name || f.aliases.includes(name)) ?? null;
}

export function factor(key: keyof RunFactors): SweepFactor {
  return FACTORS.find((f) => f.key === key)!;
}

/** the factors a curve can be drawn against, by every name they go by */
export const CURVE_NAMES: readonly string[] = FACTORS.filter((f) => f.curve).flatMap((f) => [f.key, f.column, ...f.aliases]);
