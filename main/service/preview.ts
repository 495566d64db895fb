// Previews for the designers: a network's time constants and spectrum, a suite's tasks, one task's
// input and target. Pure functions of validated specs (the service validates).
//
// A network preview comes in two halves, so that the designer never waits on the slow one: the time
// constants (drawn alone, without W: milliseconds for any N up to the spec's bound) and the
// eigenvalues (O(N^3): seconds at N = 1000), which the service computes in worker threads it can stop
// when the design changes again, and refuses above PREVIEW_MAX_N with the reason in words.
//
// Seeds: a preview's `seed` is an experiment's root seed, and the preview shows seed index 0 of it:
// network seed = seed(root, "network/0"), input seed = seed(root, "input/0") (README, Reproducibility),
// so the network previewed is the one run 0 of an experiment with that rootSeed builds.
//
// The tau histogram (the project's choice): 30 equal-width bins between the realised minimum and
// maximum (the exact values are returned as well, for other binnings); when every tau is equal (a
// homogeneous network) the bins span ±5 % around that value, and all counts are in the middle bin.
// For a log tau axis, the same taus in 30 bins of equal width in log tau (±5 % by factor around a
// single value), so that a long right tail is read as well as the bulk.
import type { Histogram, NetworkPreview, SpectrumPreview, SuitePreview, TaskSignals, TausPreview } from '../../common/api.js';
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
import { drawTaus, perturbTaus, tauStats } from '../../worker/heterogeneity.js';
import { eigenvalues } from '../../worker/linalg.js';
import { retainedFraction } from '../../worker/models/rate.js';
import { buildNetwork, tauBounds, tauUnit } from '../../worker/network.js';
import { generateInput } from '../../worker/inputs.js';
import { deriveSeed } from '../../worker/rng.js';
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

/** A designer's name for its eigenvalue computations (one per tab): a new one in the slot stops the one before. */
export const PreviewSlot = z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, 'letters, digits, - and _ (1 to 100 of them)');

/** Why the eigenvalues of this network are not previewed, in words; null when they are. */
export function spectrumWithheld(spec: NetworkSpec): string | null {
  if (spec.n <= PREVIEW_MAX_N) return null;
  return (
    `the eigenvalues are previewed for N ≤ ${PREVIEW_MAX_N} neurons (this network has N = ${spec.n}): they cost O(N³) and would take minutes. ` +
    `A network of N = ${PREVIEW_MAX_N} with the same p, scaling and heterogeneity has a spectrum of the same shape.`
  );
}

export function checkPreviewSize(spec: NetworkSpec): void {
  const why = spectrumWithheld(spec);
  if (why) throw new QuenchError('input', `the network preview is limited to N ≤ ${PREVIEW_MAX_N}: ${why}`);
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

/**
 * Bins of equal width in log(value) between the smallest and largest value (a factor of 1.05 either
 * side of a single value). Every value must be positive (time constants are).
 */
export function logHistogram(values: ArrayLike<number>, bins = TAU_BINS): Histogram {
  const logs = Array.from(values, (v) => Math.log(v));
  const h = histogram(logs, bins);
  if (logs.length > 0 && logs.every((l) => l === logs[0])) {
    // one value: histogram's ±5 % would be in log units; a factor of 1.05 either side instead
    const l = logs[0]!;
    const lo = l - Math.log(1.05);
    const hi = l + Math.log(1.05);
    return { edges: Array.from({ length: bins + 1 }, (_, i) => Math.exp(lo + ((hi - lo) * i) / bins)), counts: h.counts };
  }
  return { edges: h.edges.map((e) => Math.exp(e)), counts: h.counts };
}

/**
 * The time constants of the network of seed index 0 of root seed `seed`, exactly as buildNetwork
 * draws them (their own derived seed, then any perturbTau manipulation with its own), without W:
 * milliseconds at any N. main/service.test.ts holds it to buildNetwork's taus.
 */
export function previewTauDraw(spec: NetworkSpec, seed: number): { tau: Float64Array; stats: ReturnType<typeof tauStats> } {
  const networkSeed = seedsFor(seed, 0).network;
  const { tauMean, dt } = tauUnit(spec);
  const draw = drawTaus(spec.heterogeneity, spec.n, tauMean, dt, deriveSeed(networkSeed, 'tau'));
  let tau = draw.tau;
  let stats = draw.stats;
  spec.manipulations.forEach((m, k) => {
    if (m.op !== 'perturbTau') return;
    const { tauMin, tauMax } = tauBounds(spec);
    tau = perturbTaus(tau, m.sigma, deriveSeed(networkSeed, 'manipulation', k), tauMin, tauMax);
    stats = stats.nominalCv === undefined ? tauStats(tau, stats.bounded) : { ...tauStats(tau, stats.bounded), nominalCv: stats.nominalCv };
  });
  return { tau, stats };
}

/** The fast half of a network preview: the taus, their statistics and histograms, and whether the eigenvalues will follow. */
export function tausPreview(spec: NetworkSpec, seed: number): TausPreview {
  const { tau, stats } = previewTauDraw(spec, seed);
  const { tauMin, tauMax } = tauBounds(spec);
  return {
    tau: {
      tau: Array.from(tau),
      stats,
      histogram: histogram(tau),
      logHistogram: logHistogram(tau),
      tauMin,
      tauMax,
      unit: spec.model.kind === 'rate' ? 'steps' : 'ms',
    },
    spectrumMaxN: PREVIEW_MAX_N,
    spectrumWithheld: spectrumWithheld(spec),
  };
}

/** The two eigenvalue problems of a spectrum preview, each computed in a worker thread of its own. */
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
 * One part of a spectrum preview: 'network' the eigenvalues of W and its density; 'effective' the
 * eigenvalues of the linearised update (rate models; null for LIF). The service computes the two in
 * two worker threads at once and merges them.
 */
export function networkPreviewPart(spec: NetworkSpec, seed: number, part: PreviewPart): Partial<SpectrumPreview> {
  checkPreviewSize(spec);
  const net = buildNetwork(spec, 1, seedsFor(seed, 0).network);
  const n = net.n;
  if (part === 'effective') {
    if (spec.model.kind !== 'rate') return { eigEff: null, rhoEff: null };
    const e = eigenvalues(effectiveMatrix(net.w, retainedFraction(spec.model, net.tau), n), n);
    return { eigEff: { re: Array.from(e.re), im: Array.from(e.im) }, rhoEff: radius(e) };
  }
  const e = eigenvalues(net.w, n);
  return { eigW: { re: Array.from(e.re), im: Array.from(e.im) }, rhoW: radius(e), density: net.density };
}

/** Both halves in this thread (tests, small networks). */
export function networkPreview(spec: NetworkSpec, seed: number): NetworkPreview {
  return { tau: tausPreview(spec, seed).tau, ...networkPreviewPart(spec, seed, 'network'), ...networkPreviewPart(spec, seed, 'effective') } as NetworkPreview;
}

/** Why a family the suite turns on makes no task with these channels, in words. */
function whyEmpty(f: SuiteSpec['families'][number], channels: ChannelSpec[]): string {
  const d = channels.length;
  if (f.family === 'product' || f.family === 'xor') {
    return `${f.family} tasks take pairs of channels (k < l), and the input has ${d} channel: add a channel, or switch ${f.family} off`;
  }
  if (f.family === 'forecast') {
    const used = f.channels === 'all' ? channels.map((_, k) => k) : f.channels;
    const kinds = [...new Set(used.map((k) => channels[k]?.family ?? 'white'))].join(', ');
    return (
      `forecast tasks are made only for predictable channels (coloured, sines, mackey-glass, lorenz); the channels it uses are ${kinds}: ` +
      `make one of them predictable, or switch forecast off`
    );
  }
  return `${f.family} makes no task with these ${d} channel(s)`;
}

export function suitePreview(suite: SuiteSpec, channels: ChannelSpec[]): SuitePreview {
  const tasks = buildSuite(suite, channels);
  const counts = suiteCounts(tasks);
  const empty: Record<string, string> = {};
  for (const f of suite.families) if (!counts[f.family] && !empty[f.family]) empty[f.family] = whyEmpty(f, channels);
  return { tasks, counts, empty };
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
