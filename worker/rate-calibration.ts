// Firing-rate calibration of a LIF run (docs/model.md §1.3): heterogeneous membrane time constants
// change the rate at a fixed bias, so a spiking comparison is made at a matched population rate.
// Before its simulation, a run with model.calibration sets its bias mean (or its threshold vTh) so
// that its mean rate over its own input and length is within `tolerance` of the target.
//
// Search (one-dimensional root finding on h(x) = ln(rate(x) / target)):
//   1. simulate at the uncalibrated value x0; done if within tolerance;
//   2. bracket: step towards the target (the rate rises with the bias and falls with vTh, though
//      not strictly: 0 Hz below rheobase, saturation at one spike per tRef + dtSim, jumps where a
//      recurrent network switches state). The first step comes from the noiseless single-neuron
//      rate formula (lifRateAnalytic) fitted to the rate at x0, but is at least what a shallow
//      curve would ask (the input's fluctuations flatten it near rheobase); later steps are
//      secants of ln rate through the last two points, each at most 4 times the step before (a
//      step that the secant cannot give, on a flat or backwards stretch, doubles). vTh stays a
//      thousandth of (vTh - vReset) above vReset;
//   3. once the target is bracketed: Illinois (modified regula falsi) on ln rate.
// It stops at the first simulation within tolerance, so that simulation is the run's own: no
// extra simulation at the end. At most `maxSimulations` (default 40) simulations, the twin's
// included; a target that is not reached within them, or a rate that jumps across the target
// (a recurrent network switching state), is an error: an out-of-tolerance run is never kept.
//
// Determinism: every simulation uses the run's own seed, input and network, and each step is a
// function of the rates before it, so the path (and the bits of the result) depends only on the run
// spec, on any backend whose LIF kernel gives the TypeScript kernel's bits.
import { QuenchError } from '../common/errors.js';
import type { RateCalibrationResult } from '../common/results.js';
import type { HeterogeneitySpec, LifModelSpec, NetworkSpec } from '../common/spec.js';
import type { Backend } from './backends/backend.js';
import type { LifResult } from './models/lif.js';
import { buildNetwork } from './network.js';
import type { BuiltNetwork } from './types.js';

/** the default cap on simulations per calibration (the twin's included) */
export const MAX_CALIBRATION_SIMULATIONS = 40;

/** the steepest rate curve the first step assumes: d ln(rate) / d(bias) in units of 1 / (vTh - vReset) */
const MAX_LOG_GAIN = 4;

export interface LifCalibrationOptions {
  /**
   * For target 'homogeneous': the run's homogeneous twin (homogeneousTwin), or null when the run is
   * its own twin. Not used for a rate target.
   */
  twin?: BuiltNetwork | null;
  /** simulations at most, the twin's included (default MAX_CALIBRATION_SIMULATIONS) */
  maxSimulations?: number;
  /** passed on to backend.simulateLif: the returned features may live in memory the backend hands out again */
  reuse?: boolean;
  /** passed on to backend.simulateLif: the run's own simulation (the last) returns its spike statistics */
  spikeStats?: boolean;
}

export interface LifCalibration {
  /** the run's simulation: the calibration's last one, at the calibrated value */
  lif: LifResult;
  calibration: RateCalibrationResult;
}

/** whether a network spec is its own homogeneous twin (every tau = tauMean, before manipulations) */
export function isHomogeneous(h: HeterogeneitySpec): boolean {
  return h.family === 'none' || (h.cv === 0 && h.family !== 'empirical');
}

/**
 * The homogeneous twin of a network (the reference of target 'homogeneous'): the same spec and
 * network seed with heterogeneity { family 'none', cv 0 } (bounds kept), so W, U, b and the
 * manipulations are the run's own and only tau differs. Null when the spec is homogeneous already.
 */
export function homogeneousTwin(spec: NetworkSpec, d: number, networkSeed: number): BuiltNetwork | null {
  const h = spec.heterogeneity;
  if (isHomogeneous(h)) return null;
  const heterogeneity: HeterogeneitySpec = { family: 'none', cv: 0, bound: h.bound, tauMin: h.tauMin, tauMax: h.tauMax };
  return buildNetwork({ ...spec, heterogeneity }, d, networkSeed);
}

/** The largest mean rate a LIF network can have: one spike per (refractory sub-steps + 1) sub-steps. */
export function lifMaxRateHz(model: LifModelSpec): number {
  const refSteps = model.tRefMs > 0 ? Math.ceil(model.tRefMs / model.dtSimMs - 1e-9) : 0;
  return 1000 / (model.dtSimMs * (refSteps + 1));
}

/**
 * The drive (relative to vRest) at which a noiseless neuron with the mean time constant fires at
 * `rateHz`: the inverse of lifRateAnalytic in I. Null where there is none (0 Hz, or 1000 / tRef and above).
 */
function effectiveDrive(model: LifModelSpec, rateHz: number): number | null {
  const a = logRatio(model, rateHz);
  if (a === null) return null;
  // rate = 1000 / (tRef + tau ln((I - re) / (I - th)))  =>  I = (th e^a - re) / (e^a - 1)
  const th = model.vTh - model.vRest;
  const re = model.vReset - model.vRest;
  return (th * Math.exp(a) - re) / Math.expm1(a);
}

/** ln((I - vReset) / (I - vTh)) of a noiseless neuron firing at rateHz; null where there is none */
function logRatio(model: LifModelSpec, rateHz: number): number | null {
  if (!(rateHz > 0)) return null;
  const a = (1000 / rateHz - model.tRefMs) / model.tauMeanMs;
  return a > 0 && Number.isFinite(a) ? a : null;
}

interface Point {
  x: number;
  rate: number;
  /** ln(rate / target), with 0 Hz as a thousandth of the target so that it stays finite */
  h: number;
}

/**
 * Runs the run's LIF simulation at a calibrated bias mean (by 'bias') or threshold vTh
 * (by 'threshold') so that its mean rate is within model.calibration.tolerance of the target.
 * `model`, `net`, `input`, `steps` and `seed` are exactly what backend.simulateLif gets for the
 * run; the returned LifResult is the last of the calibration's simulations.
 */
export function calibrateLif(
  model: LifModelSpec,
  net: BuiltNetwork,
  input: Float64Array,
  steps: number,
  seed: number,
  backend: Backend,
  opts: LifCalibrationOptions = {},
): LifCalibration {
  const cal = model.calibration;
  if (!cal) throw new Error('calibrateLif: the model has no calibration');
  const by = cal.by;
  const tol = cal.tolerance;
  const maxSims = opts.maxSimulations ?? MAX_CALIBRATION_SIMULATIONS;
  const reuse = opts.reuse ?? false;
  const name = by === 'bias' ? 'biasMean' : 'vTh';
  const x0 = by === 'bias' ? model.biasMean : model.vTh;
  // the voltage scale: the first step when the rate formula has nothing to say, and the bracket
  // width below which a rate that still straddles the target is taken to jump
  const unit = model.vTh - model.vReset;
  // the rate rises with the bias and falls with the threshold
  const up = by === 'bias' ? 1 : -1;
  const vThMin = model.vReset + 1e-3 * unit;
  const withValue = (x: number): LifModelSpec => (by === 'bias' ? { ...model, biasMean: x } : { ...model, vTh: x });

  let simulations = 0;
  let last: LifResult | null = null;
  const simulate = (m: LifModelSpec, n: BuiltNetwork): LifResult => {
    simulations++;
    last = backend.simulateLif(m, n, input, steps, seed, reuse, opts.spikeStats === true);
    return last;
  };

  // the target rate
  let targetHz: number;
  let ownTwin = false;
  if (cal.target === 'homogeneous') {
    if (opts.twin === undefined) throw new Error("calibrateLif: target 'homogeneous' needs opts.twin (null when the run is its own twin)");
    ownTwin = opts.twin === null;
    // the twin at the uncalibrated value; a run that is its own twin has its own rate as target
    targetHz = simulate(model, opts.twin ?? net).meanRateHz;
  } else {
    targetHz = cal.target;
  }
  const targetText = cal.target === 'homogeneous' ? `the homogeneous twin's ${fmt(targetHz)} Hz` : `${fmt(targetHz)} Hz`;
  const maxRate = lifMaxRateHz(model);
  if (targetHz * (1 - tol) > maxRate) {
    throw new QuenchError(
      'spec',
      `rate calibration: the target ${targetText} is out of reach: no LIF network fires faster than ${fmt(maxRate)} Hz with tRefMs ${model.tRefMs} and dtSimMs ${model.dtSimMs}. Choose a lower target or a shorter tRefMs.`,
    );
  }

  const within = (rate: number) => Math.abs(rate - targetHz) <= tol * targetHz;
  const done = (x: number, rate: number): LifCalibration => ({
    lif: last!,
    calibration: { by, targetHz, target: cal.target, uncalibratedValue: x0, value: x, achievedHz: rate, simulations },
  });

  if (ownTwin) return done(x0, targetHz); // its twin's simulation is its own, within tolerance by definition

  const floor = targetHz * 1e-3;
  const points: Point[] = [];
  const evaluate = (x: number): Point => {
    const rate = simulate(withValue(x), net).meanRateHz;
    const p = { x, rate, h: Math.log(Math.max(rate, floor) / targetHz) };
    points.push(p);
    return p;
  };
  const fail = (why: string): never => {
    let best = points[0];
    for (const p of points) if (Math.abs(p.rate - targetHz) < Math.abs(best.rate - targetHz)) best = p;
    throw new QuenchError(
      'spec',
      `rate calibration by ${name}: ${why}. The closest rate was ${fmt(best.rate)} Hz at ${name} = ${fmt(best.x, 7)} ` +
        `(uncalibrated ${name} ${fmt(x0)}: ${fmt(points[0].rate)} Hz), the target ${targetText} within ${fmt(100 * tol)} %, ` +
        `after ${simulations} simulations. Raise model.calibration.tolerance or choose another target (or calibrate by ${by === 'bias' ? 'threshold' : 'bias'}).`,
    );
  };

  let p = evaluate(x0);
  if (within(p.rate)) return done(p.x, p.rate);
  if (targetHz === 0) fail('the homogeneous twin is silent (0 Hz) at the uncalibrated value, so there is no rate to match');

  // 2. bracket the target, stepping from x0 in the direction that moves the rate towards it. Until
  // the rate crosses the target every point lies on one side of it and x moves one way only, so
  // the last two points are the bracket.
  let prev: Point | null = null;
  let step = 0;
  for (;;) {
    if (simulations >= maxSims) fail(`no value reached the target within ${maxSims} simulations`);
    const dir = p.h < 0 ? up : -up; // towards the target
    let next: number;
    if (prev === null) {
      next = p.x + dir * firstStep(model, by, p.rate, targetHz, unit);
    } else {
      // secant of ln rate through the last two points where it points the right way, at most 4
      // steps long; on a flat or backwards stretch the step doubles
      const slope = (p.h - prev.h) / (p.x - prev.x);
      const d = -p.h / slope;
      next = Number.isFinite(d) && Math.sign(d) === dir ? p.x + dir * Math.min(Math.abs(d), 4 * Math.abs(step)) : p.x + 2 * step;
    }
    // a threshold stays above vReset (the spec's rule): approach it geometrically, down to a
    // thousandth of the voltage scale above it
    if (by === 'threshold' && next < vThMin) {
      if (p.x <= vThMin) fail(`the rate stays below the target even with vTh just above vReset (${fmt(model.vReset)})`);
      next = Math.max(vThMin, model.vReset + (p.x - model.vReset) / 4);
    }
    if (!Number.isFinite(next) || next === p.x) fail(`the search cannot move ${name} any further from ${fmt(p.x, 7)}`);
    step = next - p.x;
    prev = p;
    p = evaluate(next);
    if (within(p.rate)) return done(p.x, p.rate);
    if (p.h < 0 !== prev.h < 0) return p.h < 0 ? illinois(p, prev) : illinois(prev, p);
  }

  // 3. Illinois on ln rate inside the bracket [lo (below the target), hi (above it)]
  function illinois(below: Point, above: Point): LifCalibration {
    let moved: 'below' | 'above' | null = null; // the end the last step replaced
    while (simulations < maxSims) {
      if (Math.abs(above.x - below.x) <= 1e-6 * Math.max(unit, Math.abs(above.x), Math.abs(below.x))) {
        fail(`the rate jumps across the target between ${name} = ${fmt(below.x, 7)} (${fmt(below.rate)} Hz) and ${fmt(above.x, 7)} (${fmt(above.rate)} Hz)`);
      }
      let x = (below.x * above.h - above.x * below.h) / (above.h - below.h);
      if (!(x > Math.min(below.x, above.x) && x < Math.max(below.x, above.x))) x = (below.x + above.x) / 2;
      const q = evaluate(x);
      if (within(q.rate)) return done(q.x, q.rate);
      if (q.h < 0) {
        below = q;
        // the same end replaced twice in a row: halve the other's weight so that it moves too
        if (moved === 'below') above = { ...above, h: above.h / 2 };
        moved = 'below';
      } else {
        above = q;
        if (moved === 'above') below = { ...below, h: below.h / 2 };
        moved = 'above';
      }
    }
    return fail(`no value reached the target within ${maxSims} simulations`);
  }
}

/**
 * The size of the first step from x0: the change of bias (or threshold) that takes a noiseless
 * neuron with the mean time constant from the rate measured at x0 to the target. With no such
 * neuron (0 Hz, or saturated), half the voltage scale.
 */
function firstStep(model: LifModelSpec, by: 'bias' | 'threshold', rate: number, targetHz: number, unit: number): number {
  // a silent network says nothing of how far below rheobase it is
  if (!(rate > 0)) return unit / 2;
  const th = model.vTh - model.vRest;
  const re = model.vReset - model.vRest;
  const now = effectiveDrive(model, rate); // the effective drive at x0
  let d = NaN;
  if (now !== null && by === 'bias') {
    const want = effectiveDrive(model, targetHz);
    if (want !== null) d = Math.abs(want - now);
  } else if (now !== null) {
    // the threshold th' at which the drive at x0 gives the target: (I - re) / (I - th') = e^a
    const a = logRatio(model, targetHz);
    if (a !== null) d = Math.abs(now - (now - re) / Math.exp(a) - th);
  }
  if (!(Number.isFinite(d) && d > 0)) return unit / 2;
  // The formula knows nothing of noise or recurrence. Near rheobase it sees a steep rate curve
  // where the input's fluctuations make it shallow, and its step is far too short: the step is at
  // least what a gain of MAX_LOG_GAIN (in ln rate per voltage unit) would ask, at most 4 units.
  const atLeast = (Math.abs(Math.log(targetHz / rate)) / MAX_LOG_GAIN) * unit;
  return Math.min(Math.max(d, atLeast), 4 * unit);
}

/** a number for a message: rates to 4 significant digits, values of the search to 7 (`digits`) */
function fmt(x: number, digits = 4): string {
  return Number.isInteger(x) ? String(x) : Number(x.toPrecision(digits)).toString();
}
