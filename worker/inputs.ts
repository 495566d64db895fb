// Input streams (docs/model.md §4): one family per channel, generated from the stream's seed.
//
// Layout: time-major Float64Array, sample t of channel k at [t * D + k]; T is the whole stream
// (washout + train + validation + test).
//
// Seeds: channel k draws from new Rng(deriveSeed(seed, 'channel', k)), so adding, removing or
// changing one channel never changes the samples of another.
//
// Normalisation (every family lies in [-1, 1]):
//   white, hold, pulses  bounded in [-1, 1] by construction, with zero-mean level distributions;
//                        left as drawn (hold levels are uniform[-1, 1] like white, and pulses keep
//                        their exact zero baseline and ±1 amplitude).
//   coloured, sines,     continuous signals of arbitrary scale: the sample mean over the whole
//   mackey-glass,        stream (all T steps) is removed, then the signal is divided by its largest
//   lorenz               absolute deviation, so max_t |s(t)| = 1 exactly. Deterministic; the scale
//                        depends on the whole stream, so a prefix of a longer stream of the same
//                        seed is not sample-for-sample identical to a shorter stream.
//
// Family details (defaults in parentheses):
//   white         uniform on [-1, 1].
//   coloured      Ornstein-Uhlenbeck sampled once per step = AR(1)
//                 x(t+1) = a x(t) + sqrt(1 - a^2) xi(t), a = exp(-1 / timescaleSteps) (10),
//                 started from the stationary law N(0, 1); lag-1 autocorrelation a.
//   sines         sum of 3 unit-amplitude sinusoids with periods log-uniform in [10, 100] steps
//                 and phases uniform in [0, 2 pi).
//   mackey-glass  dx/dt = beta x(t - tau) / (1 + x(t - tau)^n) - gamma x, tau 17, beta 0.2,
//                 gamma 0.1, n 10; Heun (2nd-order) integration with sub-step 0.1 time units
//                 (so the delay is exactly 170 sub-steps and no interpolation is needed), one
//                 sample every 1 time unit (10 sub-steps; the sampling of ReservoirPy's
//                 mackey_glass). Initial history: 171 values uniform in [0.5, 1.5]; the first
//                 1000 time units are discarded as transient.
//   lorenz        sigma 10, rho 28, beta 8/3; classical RK4 with step 0.01 time units, x
//                 component sampled every 0.03 time units (3 sub-steps; ReservoirPy's default
//                 lorenz step). Initial condition x, y uniform in [-15, 15], z uniform in
//                 [5, 40]; the first 50 time units are discarded as transient.
//   hold          piecewise-constant levels uniform in [-1, 1]; after each step a new level is
//                 drawn with probability 1 / timescaleSteps (10), so hold lengths are geometric
//                 with mean timescaleSteps (a timescale below 1 acts as 1).
//   pulses        zero except for pulses of +1 or -1 (equally likely); each step carries a pulse
//                 with probability 1 / timescaleSteps (20), so the gap between pulses is
//                 geometric with mean timescaleSteps (a timescale below 1 acts as 1).
import type { ChannelSpec, InputFamily } from '../common/spec.js';
import { QuenchError } from '../common/errors.js';
import { Rng, deriveSeed } from './rng.js';

export const DEFAULT_TIMESCALE: Partial<Record<InputFamily, number>> = {
  coloured: 10,
  hold: 10,
  pulses: 20,
};

/** Channels for which a forecast task s_k(t + h) makes sense (deterministic or correlated signals). */
export function isPredictable(family: InputFamily): boolean {
  return family === 'coloured' || family === 'sines' || family === 'mackey-glass' || family === 'lorenz';
}

/** The input stream: T steps of D = channels.length channels, time-major. */
export function generateInput(channels: ChannelSpec[], T: number, seed: number): Float64Array {
  if (!Number.isInteger(T) || T < 0) throw new QuenchError('spec', `input length must be a whole number >= 0 (got ${T})`);
  const D = channels.length;
  const out = new Float64Array(T * D);
  for (let k = 0; k < D; k++) {
    const s = generateChannel(channels[k]!, T, new Rng(deriveSeed(seed, 'channel', k)));
    for (let t = 0; t < T; t++) out[t * D + k] = s[t]!;
  }
  return out;
}

/** One channel of T steps, drawn from rng and normalised as documented at the top of this file. */
export function generateChannel(channel: ChannelSpec, T: number, rng: Rng): Float64Array {
  const family = channel.family ?? 'white';
  const timescale = channel.timescaleSteps ?? DEFAULT_TIMESCALE[family] ?? 10;
  switch (family) {
    case 'white':
      return white(T, rng);
    case 'coloured':
      return normaliseMax(coloured(T, timescale, rng));
    case 'sines':
      return normaliseMax(sines(T, rng));
    case 'mackey-glass':
      return normaliseMax(mackeyGlass(T, rng));
    case 'lorenz':
      return normaliseMax(lorenz(T, rng));
    case 'hold':
      return hold(T, timescale, rng);
    case 'pulses':
      return pulses(T, timescale, rng);
    default:
      throw new QuenchError('spec', `unknown input family "${String(family)}"`);
  }
}

/** Removes the mean, then divides by the largest absolute deviation (in place); all-constant -> zeros. */
export function normaliseMax(x: Float64Array): Float64Array {
  const T = x.length;
  if (T === 0) return x;
  let mean = 0;
  for (let t = 0; t < T; t++) mean += x[t]!;
  mean /= T;
  let peak = 0;
  for (let t = 0; t < T; t++) {
    x[t] = x[t]! - mean;
    const a = Math.abs(x[t]!);
    if (a > peak) peak = a;
  }
  if (peak === 0 || !Number.isFinite(peak)) {
    x.fill(0);
    return x;
  }
  for (let t = 0; t < T; t++) {
    // guard the last ulp so the bound |s| <= 1 holds exactly
    const v = x[t]! / peak;
    x[t] = v > 1 ? 1 : v < -1 ? -1 : v;
  }
  return x;
}

function white(T: number, rng: Rng): Float64Array {
  const x = new Float64Array(T);
  for (let t = 0; t < T; t++) x[t] = 2 * rng.uniform() - 1;
  return x;
}

function coloured(T: number, timescale: number, rng: Rng): Float64Array {
  const a = Math.exp(-1 / timescale);
  const b = Math.sqrt(1 - a * a);
  const x = new Float64Array(T);
  let v = rng.normal();
  for (let t = 0; t < T; t++) {
    x[t] = v;
    v = a * v + b * rng.normal();
  }
  return x;
}

const SINE_COUNT = 3;
const SINE_PERIOD_MIN = 10;
const SINE_PERIOD_MAX = 100;

function sines(T: number, rng: Rng): Float64Array {
  const omega: number[] = [];
  const phase: number[] = [];
  for (let i = 0; i < SINE_COUNT; i++) {
    const period = SINE_PERIOD_MIN * Math.pow(SINE_PERIOD_MAX / SINE_PERIOD_MIN, rng.uniform());
    omega.push((2 * Math.PI) / period);
    phase.push(2 * Math.PI * rng.uniform());
  }
  const x = new Float64Array(T);
  for (let t = 0; t < T; t++) {
    let v = 0;
    for (let i = 0; i < SINE_COUNT; i++) v += Math.sin(omega[i]! * t + phase[i]!);
    x[t] = v;
  }
  return x;
}

const MG = { tau: 17, beta: 0.2, gamma: 0.1, n: 10, dt: 0.1, sampleEvery: 10, transient: 1000 };

function mackeyGlass(T: number, rng: Rng): Float64Array {
  const lag = Math.round(MG.tau / MG.dt); // 170 sub-steps
  const size = lag + 1;
  // ring buffer of the last lag + 1 sub-step values; x(i) at hist[i % size]
  const hist = new Float64Array(size);
  for (let i = 0; i < size; i++) hist[i] = 0.5 + rng.uniform();
  const f = (x: number, xd: number): number => (MG.beta * xd) / (1 + Math.pow(xd, MG.n)) - MG.gamma * x;
  let i = lag; // index of the current value x(i); x(i - lag) .. x(i) are the history
  const step = (): void => {
    const x = hist[i % size]!;
    const xd0 = hist[(i - lag) % size]!; // x(t - tau)
    const xd1 = hist[(i - lag + 1) % size]!; // x(t + dt - tau)
    const k1 = f(x, xd0);
    const xp = x + MG.dt * k1;
    const k2 = f(xp, xd1);
    i++;
    hist[i % size] = x + 0.5 * MG.dt * (k1 + k2);
  };
  const transientSteps = Math.round(MG.transient / MG.dt);
  for (let s = 0; s < transientSteps; s++) step();
  const out = new Float64Array(T);
  for (let t = 0; t < T; t++) {
    out[t] = hist[i % size]!;
    for (let s = 0; s < MG.sampleEvery; s++) step();
  }
  return out;
}

const LZ = { sigma: 10, rho: 28, beta: 8 / 3, dt: 0.01, sampleEvery: 3, transient: 50 };

function lorenz(T: number, rng: Rng): Float64Array {
  let x = -15 + 30 * rng.uniform();
  let y = -15 + 30 * rng.uniform();
  let z = 5 + 35 * rng.uniform();
  const h = LZ.dt;
  const step = (): void => {
    const fx = (a: number, b: number): number => LZ.sigma * (b - a);
    const fy = (a: number, b: number, c: number): number => a * (LZ.rho - c) - b;
    const fz = (a: number, b: number, c: number): number => a * b - LZ.beta * c;
    const k1x = fx(x, y), k1y = fy(x, y, z), k1z = fz(x, y, z);
    const x2 = x + 0.5 * h * k1x, y2 = y + 0.5 * h * k1y, z2 = z + 0.5 * h * k1z;
    const k2x = fx(x2, y2), k2y = fy(x2, y2, z2), k2z = fz(x2, y2, z2);
    const x3 = x + 0.5 * h * k2x, y3 = y + 0.5 * h * k2y, z3 = z + 0.5 * h * k2z;
    const k3x = fx(x3, y3), k3y = fy(x3, y3, z3), k3z = fz(x3, y3, z3);
    const x4 = x + h * k3x, y4 = y + h * k3y, z4 = z + h * k3z;
    const k4x = fx(x4, y4), k4y = fy(x4, y4, z4), k4z = fz(x4, y4, z4);
    x += (h / 6) * (k1x + 2 * k2x + 2 * k3x + k4x);
    y += (h / 6) * (k1y + 2 * k2y + 2 * k3y + k4y);
    z += (h / 6) * (k1z + 2 * k2z + 2 * k3z + k4z);
  };
  const transientSteps = Math.round(LZ.transient / LZ.dt);
  for (let s = 0; s < transientSteps; s++) step();
  const out = new Float64Array(T);
  for (let t = 0; t < T; t++) {
    out[t] = x;
    for (let s = 0; s < LZ.sampleEvery; s++) step();
  }
  return out;
}

function hold(T: number, timescale: number, rng: Rng): Float64Array {
  const p = Math.min(1, 1 / timescale);
  const out = new Float64Array(T);
  let level = 2 * rng.uniform() - 1;
  for (let t = 0; t < T; t++) {
    out[t] = level;
    if (rng.uniform() < p) level = 2 * rng.uniform() - 1;
  }
  return out;
}

function pulses(T: number, timescale: number, rng: Rng): Float64Array {
  const p = Math.min(1, 1 / timescale);
  const out = new Float64Array(T);
  for (let t = 0; t < T; t++) {
    if (rng.uniform() < p) out[t] = rng.uniform() < 0.5 ? -1 : 1;
  }
  return out;
}
