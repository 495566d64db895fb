// Pieces of the development client (?fake=1). Task suites, input signals, targets and time-constant
// draws come from the engine's own pure modules (worker/), so the fake shows the real suites and
// distributions; only the scores and archive contents it invents are pretend (a small seeded
// generator below), since those would need the whole engine and an archive behind them.
import type { ChannelSpec, HeterogeneitySpec, SuiteSpec } from '../../../common/spec.js';
import { drawTaus } from '../../../worker/heterogeneity.js';
import { generateInput } from '../../../worker/inputs.js';
import { buildSuite, computeTarget } from '../../../worker/tasks.js';
import type { TaskDef, TauDraw } from '../../../worker/types.js';

export { DEFAULT_SUITE } from '../../../common/spec.js';

export function rng(seed: number): () => number {
  let a = seed >>> 0 || 0x9e3779b9;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function hashString(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

export function normal(r: () => number): number {
  let u = r();
  while (u <= 1e-12) u = r();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r());
}

const channelsOf = (channels: { family?: string; timescaleSteps?: number }[]): ChannelSpec[] =>
  channels.map((c) => ({ family: (c.family ?? 'white') as ChannelSpec['family'], ...(c.timescaleSteps ? { timescaleSteps: c.timescaleSteps } : {}) }));

/** The engine's task expansion (worker/tasks.ts buildSuite). */
export function expandSuite(suite: SuiteSpec, channels: { family?: string; timescaleSteps?: number }[]): TaskDef[] {
  return buildSuite(suite, channelsOf(channels));
}

/** Input channels (one array each) and the task's target, from the engine's generators. */
export function taskSignals(task: TaskDef, channels: { family?: string; timescaleSteps?: number }[], steps: number, seed: number): { input: number[][]; target: number[] } {
  const chans = channelsOf(channels);
  const d = chans.length;
  const stream = generateInput(chans, steps, seed);
  const target = new Float64Array(steps);
  computeTarget(task, stream, steps, d, target);
  const input = chans.map((_, k) => Array.from({ length: steps }, (_, t) => stream[t * d + k]!));
  return { input, target: Array.from(target) };
}

/** The engine's time-constant draw (worker/heterogeneity.ts), bounds and realised statistics included. */
export function tauDraw(h: Partial<HeterogeneitySpec>, n: number, tauMean: number, dt: number, seed: number): TauDraw {
  const spec = { family: 'none', cv: 0, bound: 'clip', ...h } as HeterogeneitySpec;
  return drawTaus(spec, n, tauMean, dt, seed);
}
