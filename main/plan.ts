// Expands an experiment spec into its runs: the cross product of the sweep factors, each run fully
// resolved (its own network spec, seeds and training length) so a worker needs nothing else.
import { FACTORS } from '../common/factors.js';
import type { RunFactors, RunSpec } from '../common/results.js';
import { DEFAULT_SUITE, type ExperimentSpec, type HeterogeneitySpec, type NetworkSpec, type SuiteSpec } from '../common/spec.js';
import { deriveSeed } from '../worker/rng.js';

export function resolveSuite(spec: ExperimentSpec): SuiteSpec {
  return spec.suite === 'default' ? DEFAULT_SUITE : spec.suite;
}

export function tauMeanOf(network: NetworkSpec): number {
  return network.model.kind === 'rate' ? network.model.tauMeanSteps : network.model.tauMeanMs;
}

function withTauMean(network: NetworkSpec, tauMean: number): NetworkSpec {
  return network.model.kind === 'rate'
    ? { ...network, model: { ...network.model, tauMeanSteps: tauMean } }
    : { ...network, model: { ...network.model, tauMeanMs: tauMean } };
}

/**
 * `match` kept only where it says 'realised' and there is a spread to match (absent means nominal, so
 * specs made before it existed keep their identity; a homogeneous or empirical network has no c).
 */
function withMatch(h: HeterogeneitySpec, match: HeterogeneitySpec['match']): HeterogeneitySpec {
  const { match: _m, ...rest } = h;
  return match === 'realised' && h.family !== 'none' && h.family !== 'empirical' && h.cv > 0 ? { ...rest, match } : rest;
}

/** Seeds of seed index s: the same network matrices and input stream for every other factor. */
export function seedsFor(rootSeed: number, seedIndex: number) {
  return {
    root: rootSeed,
    network: deriveSeed(rootSeed, 'network', seedIndex),
    input: deriveSeed(rootSeed, 'input', seedIndex),
  };
}

/**
 * A run's key (with the seed) or its condition's (without): the factors in the table's order
 * (common/factors.ts), `match` only where it is 'realised' so that runs made before it existed keep
 * their keys, and so their ids.
 */
export function factorKey(f: RunFactors, withSeed: boolean): string {
  const parts: string[] = [];
  for (const x of FACTORS) {
    if (x.key === 'seedIndex' && !withSeed) continue;
    if (x.key === 'match') {
      if (f.match === 'realised') parts.push(`${x.runKey}=realised`);
      continue;
    }
    parts.push(`${x.runKey}=${f[x.key]}`);
  }
  return parts.join(';');
}

/** The factor lists of a sweep, each with its default when the sweep does not vary it. */
function axes(spec: ExperimentSpec) {
  const base = spec.network;
  const sweep = spec.sweep;
  return {
    hets: sweep.heterogeneity ?? [{ family: base.heterogeneity.family, cv: base.heterogeneity.cv, match: base.heterogeneity.match }],
    sizes: sweep.n ?? [base.n],
    tauMeans: sweep.tauMean ?? [tauMeanOf(base)],
    manips: sweep.manipulations ?? [{ label: 'base', ops: [] }],
    trainLengths: sweep.trainLength ?? [spec.input.segments.train],
    seeds: sweep.seeds,
  };
}

/** How many runs the spec makes, without making them (a sweep can plan a million). */
export function runCount(spec: ExperimentSpec): number {
  const a = axes(spec);
  return a.hets.length * a.sizes.length * a.tauMeans.length * a.manips.length * a.trainLengths.length * a.seeds;
}

/**
 * Run `index` of the experiment: the cross product heterogeneity × n × tauMean × manipulation ×
 * trainLength × seed, the seed varying fastest (planRuns lists them in this order).
 */
export function runAt(spec: ExperimentSpec, index: number, suite: SuiteSpec = resolveSuite(spec)): RunSpec {
  const a = axes(spec);
  const total = runCount(spec);
  if (!Number.isInteger(index) || index < 0 || index >= total) throw new RangeError(`run ${index} of ${total}`);
  let rest = index;
  const digit = (size: number) => {
    const d = rest % size;
    rest = Math.floor(rest / size);
    return d;
  };
  const seedIndex = digit(a.seeds);
  const trainLength = a.trainLengths[digit(a.trainLengths.length)];
  const manip = a.manips[digit(a.manips.length)];
  const tauMean = a.tauMeans[digit(a.tauMeans.length)];
  const n = a.sizes[digit(a.sizes.length)];
  const het = a.hets[digit(a.hets.length)];
  const base = spec.network;
  const network: NetworkSpec = withTauMean(
    {
      ...base,
      n,
      heterogeneity: withMatch({ ...base.heterogeneity, family: het.family, cv: het.cv }, het.match ?? base.heterogeneity.match),
      manipulations: [...base.manipulations, ...manip.ops],
    },
    tauMean,
  );
  const factors: RunFactors = {
    family: het.family,
    cv: het.cv,
    n,
    tauMean,
    trainLength,
    manipulation: manip.label,
    model: base.model.kind,
    seedIndex,
  };
  if (network.heterogeneity.match === 'realised') factors.match = 'realised';
  return {
    index,
    key: factorKey(factors, true),
    condition: factorKey(factors, false),
    factors,
    seeds: seedsFor(spec.rootSeed, seedIndex),
    network,
    input: { ...spec.input, segments: { ...spec.input.segments } },
    suite,
    readout: spec.readout,
    ...(spec.mechanisms ? { mechanisms: spec.mechanisms } : {}),
  };
}

/** Runs `from` .. `to` - 1 of the experiment, in order (a sweep is made and stored a slice at a time). */
export function planSlice(spec: ExperimentSpec, from: number, to: number): RunSpec[] {
  const suite = resolveSuite(spec);
  const out: RunSpec[] = [];
  for (let i = from; i < Math.min(to, runCount(spec)); i++) out.push(runAt(spec, i, suite));
  return out;
}

/** Every run of the experiment, in order. */
export function planRuns(spec: ExperimentSpec): RunSpec[] {
  return planSlice(spec, 0, runCount(spec));
}
