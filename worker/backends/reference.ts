// Reference kernels: the formulas of docs/model.md (§1.1, §1.2, §6.1) written out as plainly as possible (dense loops, no
// blocking, no sparse formats, no event lists). They are slow on purpose; every backend is compared
// against them by the conformance suite.
import type { LifModelSpec, RateModelSpec } from '../../common/spec.js';
import { Rng, deriveSeed } from '../rng.js';
import type { BuiltNetwork } from '../types.js';

export function referenceRate(model: RateModelSpec, net: BuiltNetwork, input: Float64Array, steps: number, noiseSeed: number): Float64Array {
  const { n, d, w, u, b, tau } = net;
  const rng = model.noise > 0 ? new Rng(noiseSeed) : null;
  let state = new Array<number>(n).fill(0);
  const out = new Float64Array(steps * n);
  for (let t = 0; t < steps; t++) {
    const r = model.form === 'li' ? state.map(Math.tanh) : state;
    state = state.map((xi, i) => {
      let h = 0;
      for (let j = 0; j < n; j++) h += w[i * n + j] * r[j];
      h += b[i];
      for (let k = 0; k < d; k++) h += u[i * d + k] * input[t * d + k];
      let next: number;
      if (model.form === 'li') {
        const a = Math.exp(-1 / tau[i]);
        next = a * xi + (1 - a) * h;
      } else {
        const lr = Math.min(1, 1 / tau[i]);
        next = (1 - lr) * xi + lr * Math.tanh(h);
      }
      return rng ? next + model.noise * rng.normal() : next;
    });
    const rate = model.form === 'li' ? state.map(Math.tanh) : state;
    out.set(rate, t * n);
  }
  return out;
}

export function referenceDotRows(a: Float64Array, na: number, lda: number, b: Float64Array, nb: number, ldb: number, t0: number, t1: number): Float64Array {
  const c = new Float64Array(na * nb);
  for (let i = 0; i < na; i++) {
    for (let j = 0; j < nb; j++) {
      let s = 0;
      for (let t = t0; t < t1; t++) s += a[i * lda + t] * b[j * ldb + t];
      c[i * nb + j] = s;
    }
  }
  return c;
}

/** LIF with the synaptic input as a dense product W S(t) over all neurons, every sub-step. */
export function referenceLif(model: LifModelSpec, net: BuiltNetwork, input: Float64Array, steps: number, seed: number): { features: Float64Array; spikeCount: number } {
  const { n, d, w, u, b, tau } = net;
  const dt = model.dtSimMs;
  const sub = Math.round(model.dtTaskMs / dt);
  const refSteps = model.tRefMs > 0 ? Math.ceil(model.tRefMs / dt - 1e-9) : 0;
  const v0 = new Rng(deriveSeed(seed, 'lif-v0'));
  const noise = model.noise > 0 ? new Rng(deriveSeed(seed, 'lif-noise')) : null;
  const v = Array.from({ length: n }, () => model.vReset + (model.vTh - model.vReset) * v0.uniform());
  const iSyn = new Array<number>(n).fill(0);
  const trace = new Array<number>(n).fill(0);
  const refLeft = new Array<number>(n).fill(0);
  const features = new Float64Array(steps * n);
  let spikeCount = 0;
  for (let t = 0; t < steps; t++) {
    const iIn = Array.from({ length: n }, (_, i) => {
      let s = 0;
      for (let k = 0; k < d; k++) s += u[i * d + k] * input[t * d + k];
      return s;
    });
    for (let s = 0; s < sub; s++) {
      const spikes = new Array<number>(n).fill(0);
      for (let i = 0; i < n; i++) {
        if (refLeft[i] > 0) {
          refLeft[i]--;
          v[i] = model.vReset;
        } else {
          const target = model.vRest + iSyn[i] + iIn[i] + model.biasMean + b[i];
          let vi = target + (v[i] - target) * Math.exp(-dt / tau[i]);
          if (noise) vi += model.noise * Math.sqrt(dt) * noise.normal();
          if (vi >= model.vTh) {
            vi = model.vReset;
            refLeft[i] = refSteps;
            spikes[i] = 1;
          }
          v[i] = vi;
        }
        iSyn[i] *= Math.exp(-dt / model.tauSynMs);
        trace[i] *= Math.exp(-dt / model.tauReadMs);
      }
      for (let i = 0; i < n; i++) {
        trace[i] += spikes[i];
        spikeCount += spikes[i];
        for (let j = 0; j < n; j++) if (spikes[j]) iSyn[i] += w[i * n + j];
      }
    }
    features.set(trace, t * n);
  }
  return { features, spikeCount };
}
