// Rate (tanh) networks of leaky integrators, in the two forms of docs/model.md §1.1. A step is a pure
// function of (state, input); `simulateRate` runs it over a whole input stream and returns the
// readout features r(t), time-major (row t = state after the input of step t).
import type { RateModelSpec } from '../../common/spec.js';
import { csrMatVec, matVec } from '../kernels.js';
import { Rng } from '../rng.js';
import type { BuiltNetwork } from '../types.js';

/** Above this density a dense product beats CSR (measured in bench/: CSR pays for its indices). */
export const DENSE_ABOVE = 0.3;

export interface RateStepper {
  /** x for `li` (membrane state), r for `esn` */
  state: Float64Array;
  /** r = tanh(x), the features */
  rate: Float64Array;
  step(input: Float64Array, inputOffset: number): void;
}

/**
 * li : x <- a x + (1 - a)(W r + U s + b) + noise,  a_i = exp(-dt / tau_i), r = tanh(x)
 * esn: r <- (1 - lr) r + lr tanh(W r + U s + b) + noise,  lr_i = dt / tau_i   (ReservoirPy's Reservoir)
 * Noise is Gaussian with standard deviation model.noise per step, added to the state.
 */
export function createRateStepper(model: RateModelSpec, net: BuiltNetwork, noiseSeed: number): RateStepper {
  const n = net.n;
  const d = net.d;
  const leak = leakFactors(model, net.tau);
  const x = new Float64Array(n);
  const r = new Float64Array(n);
  const h = new Float64Array(n);
  const dense = net.density > DENSE_ABOVE;
  const { rowPtr, colIdx, values } = net.wCsr;
  const { w, u, b } = net;
  const noise = model.noise;
  const rng = noise > 0 ? new Rng(noiseSeed) : null;
  const esn = model.form === 'esn';

  const drive = (input: Float64Array, off: number) => {
    if (dense) matVec(w, n, n, r, h);
    else csrMatVec(rowPtr, colIdx, values, n, r, h);
    for (let i = 0; i < n; i++) {
      let s = h[i] + b[i];
      const ui = i * d;
      for (let k = 0; k < d; k++) s += u[ui + k] * input[off + k];
      h[i] = s;
    }
  };

  if (esn) {
    return {
      state: r,
      rate: r,
      step(input, off) {
        drive(input, off);
        for (let i = 0; i < n; i++) {
          const lr = leak[i];
          r[i] = (1 - lr) * r[i] + lr * Math.tanh(h[i]);
          if (rng) r[i] += noise * rng.normal();
        }
      },
    };
  }
  return {
    state: x,
    rate: r,
    step(input, off) {
      drive(input, off);
      for (let i = 0; i < n; i++) {
        const a = leak[i];
        let xi = a * x[i] + (1 - a) * h[i];
        if (rng) xi += noise * rng.normal();
        x[i] = xi;
        r[i] = Math.tanh(xi);
      }
    },
  };
}

/** li: a_i = exp(-1 / tau_i) (tau in steps); esn: lr_i = 1 / tau_i. */
export function leakFactors(model: RateModelSpec, tau: Float64Array): Float64Array {
  const out = new Float64Array(tau.length);
  for (let i = 0; i < tau.length; i++) out[i] = model.form === 'esn' ? Math.min(1, 1 / tau[i]) : Math.exp(-1 / tau[i]);
  return out;
}

/** The retained fraction a of the linearised update x <- a x + (1 - a) W x, for rho_eff. */
export function retainedFraction(model: RateModelSpec, tau: Float64Array): Float64Array {
  const f = leakFactors(model, tau);
  if (model.form === 'esn') for (let i = 0; i < f.length; i++) f[i] = 1 - f[i];
  return f;
}

export function simulateRate(model: RateModelSpec, net: BuiltNetwork, input: Float64Array, steps: number, noiseSeed: number): Float64Array {
  const n = net.n;
  const stepper = createRateStepper(model, net, noiseSeed);
  const out = new Float64Array(steps * n);
  for (let t = 0; t < steps; t++) {
    stepper.step(input, t * net.d);
    out.set(stepper.rate, t * n);
  }
  return out;
}
