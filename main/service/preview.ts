// Previews for the designers: a network's time constants and spectrum, a suite's tasks, one task's
// input and target. Pure functions of validated specs (the service validates, and runs the network
// preview in a worker thread: its eigenvalues are O(N^3)).
//
// Seeds: a preview's `seed` is an experiment's root seed, and the preview shows seed index 0 of it:
// network seed = seed(root, "network/0"), input seed = seed(root, "input/0") (README, Reproducibility),
// so the network previewed is the one run 0 of an experiment with that rootSeed builds.
//
// The tau histogram (the project's choice): 30 equal-width bins between the realised minimum and
// maximum (the exact values are returned as well, for other binnings); when every tau is equal (a
// homogeneous network) the bins span ±5 % around that value, and all counts are in the middle bin.
import type { Histogram, NetworkPreview, SuitePreview, TaskSignals } from '../../common/api.js';
import { QuenchError } from '../../common/errors.js';
import {
  ChannelSchema,
  DEFAULT_SUITE,
  NetworkSchema,
  SuiteSchema,
  type ChannelSpec,
  type NetworkSpec,
  type SuiteSpec,
} from '../../common/spec.js';
import { parseWith } from '../../common/validate.js';
import { z } from 'zod';
import { eigenvalues } from '../../worker/linalg.js';
import { retainedFraction } from '../../worker/models/rate.js';
import { buildNetwork, tauBounds } from '../../worker/network.js';
import { generateInput } from '../../worker/inputs.js';
import { buildSuite, computeTarget, suiteCounts } from '../../worker/tasks.js';
import { seedsFor } from '../plan.js';

/** Above this size the preview is refused: two N x N eigenvalue problems take seconds (N = 1000: ~6 s each). */
export const PREVIEW_MAX_N = 1000;
export const TAU_BINS = 30;

export function parseNetwork(raw: unknown): NetworkSpec {
  return parseWith(NetworkSchema, raw ?? {}, 'network spec');
}

/** A suite spec, or "default" for the default suite of docs/model.md §5.4. */
export function parseSuite(raw: unknown): SuiteSpec {
  if (raw === 'default') return DEFAULT_SUITE;
  return parseWith(SuiteSchema, raw, 'suite spec');
}

const ChannelsSchema = z.array(ChannelSchema).min(1).max(64);

export function parseChannels(raw: unknown): ChannelSpec[] {
  return parseWith(ChannelsSchema, raw, 'input channels');
}

export function checkPreviewSize(spec: NetworkSpec): void {
  if (spec.n > PREVIEW_MAX_N) {
    throw new QuenchError(
      'input',
      `the network preview is limited to N ≤ ${PREVIEW_MAX_N} neurons (got N = ${spec.n}): its eigenvalues cost O(N³) and would take minutes. ` +
        `Preview a network of N = ${PREVIEW_MAX_N} with the same p, scaling and heterogeneity: the shape of the tau distribution and of the spectrum is the same.`,
    );
  }
}

/** Equal-width bins between the smallest and largest value (±5 % around a single value). */
export function histogram(values: ArrayLike<number>, bins = TAU_BINS): Histogram {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    lo = Math.min(lo, values[i]);
    hi = Math.max(hi, values[i]);
  }
  if (values.length === 0) return { edges: [], counts: [] };
  if (!(hi > lo)) {
    const half = lo === 0 ? 0.5 : Math.abs(lo) * 0.05;
    lo -= half;
    hi += half;
  }
  const width = (hi - lo) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => (i === bins ? hi : lo + i * width));
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < values.length; i++) {
    const b = Math.min(bins - 1, Math.max(0, Math.floor((values[i] - lo) / width)));
    counts[b]++;
  }
  return { edges, counts };
}

export type PreviewPart = 'network' | 'effective';

/** Eigenvalues of diag(a) + diag(1 - a) W, the leak-aware linearised rate update (as in spectralSummary). */
function effectiveMatrix(w: Float64Array, a: Float64Array, n: number): Float64Array {
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const one = 1 - a[i];
    const row = i * n;
    for (let j = 0; j < n; j++) m[row + j] = one * w[row + j];
    m[row + i] += a[i];
  }
  return m;
}

function radius(e: { re: ArrayLike<number>; im: ArrayLike<number> }): number {
  let r = 0;
  for (let i = 0; i < e.re.length; i++) r = Math.max(r, Math.hypot(e.re[i], e.im[i]));
  return r;
}

/**
 * One part of a network preview: 'network' is everything but the effective spectrum (tau, stats,
 * histogram, eigenvalues of W, density); 'effective' the eigenvalues of the linearised update (rate
 * models; null for LIF). The service computes the two in two worker threads at once and merges them.
 */
export function networkPreviewPart(spec: NetworkSpec, seed: number, part: PreviewPart): Partial<NetworkPreview> {
  checkPreviewSize(spec);
  const net = buildNetwork(spec, 1, seedsFor(seed, 0).network);
  const n = net.n;
  if (part === 'effective') {
    if (spec.model.kind !== 'rate') return { eigEff: null, rhoEff: null };
    const e = eigenvalues(effectiveMatrix(net.w, retainedFraction(spec.model, net.tau), n), n);
    return { eigEff: { re: Array.from(e.re), im: Array.from(e.im) }, rhoEff: radius(e) };
  }
  const { tauMin, tauMax } = tauBounds(spec);
  const e = eigenvalues(net.w, n);
  return {
    tau: {
      tau: Array.from(net.tau),
      stats: net.tauStats,
      histogram: histogram(net.tau),
      tauMin,
      tauMax,
      unit: spec.model.kind === 'rate' ? 'steps' : 'ms',
    },
    eigW: { re: Array.from(e.re), im: Array.from(e.im) },
    rhoW: radius(e),
    density: net.density,
  };
}

/** Both parts in this thread (tests, small networks). */
export function networkPreview(spec: NetworkSpec, seed: number): NetworkPreview {
  return { ...networkPreviewPart(spec, seed, 'network'), ...networkPreviewPart(spec, seed, 'effective') } as NetworkPreview;
}

export function suitePreview(suite: SuiteSpec, channels: ChannelSpec[]): SuitePreview {
  const tasks = buildSuite(suite, channels);
  return { tasks, counts: suiteCounts(tasks) };
}

/** `steps` steps of the input stream of seed index 0 of root seed `seed`, and the target of one task. */
export function taskSignals(suite: SuiteSpec, channels: ChannelSpec[], taskId: string, seed: number, steps: number): TaskSignals {
  const tasks = buildSuite(suite, channels);
  const task = tasks.find((t) => t.id === taskId);
  if (!task) {
    const some = tasks.slice(0, 5).map((t) => t.id).join(', ');
    throw new QuenchError('not-found', `no task "${taskId}" in suite "${suite.name}" with ${channels.length} input channel(s); its ${tasks.length} tasks include ${some}`);
  }
  const d = channels.length;
  const input = generateInput(channels, steps, seedsFor(seed, 0).input);
  const target = new Float64Array(steps);
  computeTarget(task, input, steps, d, target);
  const perChannel = Array.from({ length: d }, (_, k) => Array.from({ length: steps }, (_, t) => input[t * d + k]));
  return { taskId, input: perChannel, target: Array.from(target) };
}
