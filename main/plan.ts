// Expands an experiment spec into its runs: the cross product of the sweep factors, each run fully
// resolved (its own network spec, seeds and training length) so a worker needs nothing else.
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

export function factorKey(f: RunFactors, withSeed: boolean): string {
  const parts = [
    `model=${f.model}`,
    `family=${f.family}`,
    `cv=${f.cv}`,
    `n=${f.n}`,
    `tauMean=${f.tauMean}`,
    `train=${f.trainLength}`,
    `manipulation=${f.manipulation}`,
  ];
  // only when set, so that the keys (and run ids) of runs made before the option existed stay the same
  if (f.match === 'realised') parts.push('match=realised');
  if (withSeed) parts.push(`seed=${f.seedIndex}`);
  return parts.join(';');
}

export function planRuns(spec: ExperimentSpec): RunSpec[] {
  const base = spec.network;
  const sweep = spec.sweep;
  const hets = sweep.heterogeneity ?? [{ family: base.heterogeneity.family, cv: base.heterogeneity.cv }];
  const sizes = sweep.n ?? [base.n];
  const tauMeans = sweep.tauMean ?? [tauMeanOf(base)];
  const manips = sweep.manipulations ?? [{ label: 'base', ops: [] }];
  const trainLengths = sweep.trainLength ?? [spec.input.segments.train];
  const suite = resolveSuite(spec);
  const runs: RunSpec[] = [];
  for (const het of hets) {
    for (const n of sizes) {
      for (const tauMean of tauMeans) {
        for (const manip of manips) {
          for (const trainLength of trainLengths) {
            for (let seedIndex = 0; seedIndex < sweep.seeds; seedIndex++) {
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
              runs.push({
                index: runs.length,
                key: factorKey(factors, true),
                condition: factorKey(factors, false),
                factors,
                seeds: seedsFor(spec.rootSeed, seedIndex),
                network,
                input: { ...spec.input, segments: { ...spec.input.segments } },
                suite,
                readout: spec.readout,
              });
            }
          }
        }
      }
    }
  }
  return runs;
}
