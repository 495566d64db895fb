// The gpu.js backend for the rate model: float32 kernels that keep the state on the device across
// steps (pipeline textures), reading the features back once per block of steps, and the Gram / X'Y
// dot products as one kernel (gpuDotRows). The readout itself stays float64 (the WebAssembly or
// TypeScript products): a float32 Gram matrix loses the small-ridge end of the grid, since its
// rounding error (~1e-7 of its largest eigenvalue) swamps ridge values below that. gpu.js is an optional dependency: where it (or a GL context) is
// missing, the backend is unavailable and says why. 'gpujs' runs on WebGL (headless GL in Node,
// which needs an X display, e.g. Xvfb); 'gpujs-cpu' is gpu.js's own CPU mode, slow, kept so the
// same kernels can be checked everywhere. LIF and the eigen-decomposition use the TypeScript kernels.
import { createRequire } from 'node:module';
import type { RateModelSpec } from '../../common/spec.js';
import { simulateLif } from '../models/lif.js';
import { leakFactors } from '../models/rate.js';
import { Rng } from '../rng.js';
import type { BuiltNetwork } from '../types.js';
import type { Backend } from './backend.js';
import { cpuBackend } from './cpu.js';
import { wasmBackend } from './wasm.js';
import { wasmAvailable } from '../wasm/kernels.js';

const readout = (): Backend => (wasmAvailable() ? wasmBackend : cpuBackend);

/* eslint-disable @typescript-eslint/no-explicit-any -- gpu.js kernels are untyped JavaScript */
type Kernel = ((...args: any[]) => any) & { destroy?: () => void };
interface Gpu {
  createKernel(fn: (...args: any[]) => any, settings?: Record<string, unknown>): Kernel;
  destroy(): void;
  mode: string;
}
interface GpuCtor {
  new (settings: { mode: string }): Gpu;
}

/** Steps simulated between two read-backs of the features. */
export const BLOCK = 32;

let gpuCtor: GpuCtor | null | undefined;
let loadError = '';

function gpuJs(): GpuCtor | null {
  if (gpuCtor !== undefined) return gpuCtor;
  try {
    gpuCtor = (createRequire(import.meta.url)('gpu.js') as { GPU: GpuCtor }).GPU;
  } catch (err) {
    gpuCtor = null;
    loadError = `gpu.js is not installed (${(err as Error).message.split('\n')[0]})`;
  }
  return gpuCtor;
}

const gpus = new Map<string, Gpu>();

function gpuFor(mode: 'headlessgl' | 'cpu'): Gpu {
  let g = gpus.get(mode);
  if (!g) {
    const GPU = gpuJs();
    if (!GPU) throw new Error(loadError);
    g = new GPU({ mode });
    gpus.set(mode, g);
  }
  return g;
}

/** null when the backend can run here, else the reason in words. */
export function gpuJsUnavailable(mode: 'headlessgl' | 'cpu'): string | null {
  if (!gpuJs()) return loadError;
  try {
    const g = gpuFor(mode);
    const probe = g.createKernel(function (this: any) {
      return this.thread.x * 2;
    }, { output: [4] });
    const out = probe() as Float32Array;
    probe.destroy?.();
    if (out[3] !== 6) return `gpu.js (${mode}) computed a wrong probe result`;
    return null;
  } catch (err) {
    gpus.delete(mode);
    const why = (err as Error).message.split('\n')[0];
    return mode === 'headlessgl' ? `no WebGL context for gpu.js (${why}); headless GL needs an X display such as Xvfb` : `gpu.js CPU mode failed (${why})`;
  }
}

function rows(a: ArrayLike<number>, r: number, c: number): Float32Array[] {
  const out: Float32Array[] = [];
  for (let i = 0; i < r; i++) out.push(Float32Array.from({ length: c }, (_, j) => a[i * c + j]));
  return out;
}

function simulate(gpu: Gpu, model: RateModelSpec, net: BuiltNetwork, input: Float64Array, steps: number, noiseSeed: number): Float64Array {
  const { n, d } = net;
  const esn = model.form === 'esn' ? 1 : 0;
  const leak = Float32Array.from(leakFactors(model, net.tau));
  const noise = model.noise;
  const rng = noise > 0 ? new Rng(noiseSeed) : null;
  const settings = { output: [n], pipeline: true, immutable: true, constants: { n, d, esn }, tactic: 'precision' };
  // r: tanh of the membrane state (li), the state itself (esn)
  const rateOf = gpu.createKernel(function (this: any, x: any) {
    return this.constants.esn === 1 ? x[this.thread.x] : Math.tanh(x[this.thread.x]);
  }, settings);
  const step = gpu.createKernel(function (this: any, x: any, r: any, w: any, u: any, s: any, b: any, a: any, z: any) {
    const i = this.thread.x;
    let h = b[i];
    for (let j = 0; j < this.constants.n; j++) h += w[i][j] * r[j];
    for (let k = 0; k < this.constants.d; k++) h += u[i][k] * s[k];
    if (this.constants.esn === 1) return (1 - a[i]) * x[i] + a[i] * Math.tanh(h) + z[i];
    return a[i] * x[i] + (1 - a[i]) * h + z[i];
  }, settings);
  // copies the block so far and writes this step's rates into row `row`
  const record = gpu.createKernel(function (this: any, block: any, r: any, row: number) {
    if (this.thread.y === row) return r[this.thread.x];
    return block[this.thread.y][this.thread.x];
  }, { output: [n, BLOCK], pipeline: true, immutable: true, tactic: 'precision' });
  try {
    const w = rows(net.w, n, n);
    const u = rows(net.u, n, d);
    const b = Float32Array.from(net.b);
    const zeros = new Float32Array(n);
    const z = new Float32Array(n);
    let x: any = new Float32Array(n);
    let block: any = rows(new Float32Array(n * BLOCK), BLOCK, n);
    const out = new Float64Array(steps * n);
    const s = new Float32Array(d);
    for (let t = 0; t < steps; t++) {
      for (let k = 0; k < d; k++) s[k] = input[t * d + k];
      let zt = zeros;
      if (rng) {
        // the same draws, in the same order, as the TypeScript kernel
        for (let i = 0; i < n; i++) z[i] = noise * rng.normal();
        zt = z;
      }
      const r = rateOf(x);
      const next = step(x, r, w, u, s, b, leak, zt);
      if (x.delete) x.delete();
      if (r.delete) r.delete();
      x = next;
      const rNow = rateOf(x);
      const row = t % BLOCK;
      const nextBlock = record(block, rNow, row);
      if (block.delete) block.delete();
      if (rNow.delete) rNow.delete();
      block = nextBlock;
      if (row === BLOCK - 1 || t === steps - 1) {
        const host = (block.toArray ? block.toArray() : block) as Float32Array[];
        const first = t - row;
        for (let q = 0; q <= row; q++) for (let i = 0; i < n; i++) out[(first + q) * n + i] = host[q][i];
      }
    }
    if (x.delete) x.delete();
    if (block.delete) block.delete();
    return out;
  } finally {
    rateOf.destroy?.();
    step.destroy?.();
    record.destroy?.();
  }
}

/** The readout's dot products on gpu.js, float32 (see the note at the top for why the readout does not use it). */
export function gpuDotRows(mode: 'headlessgl' | 'cpu', a: Float64Array, na: number, lda: number, b: Float64Array, nb: number, ldb: number, t0: number, t1: number): Float64Array {
  return dotRowsKernel(gpuFor(mode), a, na, lda, b, nb, ldb, t0, t1);
}

function dotRowsKernel(gpu: Gpu, a: Float64Array, na: number, lda: number, b: Float64Array, nb: number, ldb: number, t0: number, t1: number): Float64Array {
  const len = t1 - t0;
  const slice = (m: Float64Array, r: number, ld: number) => {
    const out: Float32Array[] = [];
    for (let i = 0; i < r; i++) out.push(Float32Array.from(m.subarray(i * ld + t0, i * ld + t1)));
    return out;
  };
  const k = gpu.createKernel(function (this: any, x: any, y: any) {
    let s = 0;
    for (let t = 0; t < this.constants.len; t++) s += x[this.thread.y][t] * y[this.thread.x][t];
    return s;
  }, { output: [nb, na], constants: { len }, tactic: 'precision' });
  try {
    const res = k(slice(a, na, lda), slice(b, nb, ldb)) as Float32Array[];
    const c = new Float64Array(na * nb);
    for (let i = 0; i < na; i++) for (let j = 0; j < nb; j++) c[i * nb + j] = res[i][j];
    return c;
  } finally {
    k.destroy?.();
  }
}

function makeGpuJsBackend(name: string, mode: 'headlessgl' | 'cpu'): Backend {
  return {
    name,
    precision: 'float32',
    // the gl module loads in one thread of a process only
    oneThread: mode === 'headlessgl',
    simulateRate(model, net, input, steps, noiseSeed) {
      return simulate(gpuFor(mode), model, net, input, steps, noiseSeed);
    },
    simulateLif: (model, net, input, steps, seed) => simulateLif(model, net, input, steps, seed),
    // float64 readout: the WebAssembly kernels where they are built, else TypeScript
    symmetricEigen: (a, n) => readout().symmetricEigen(a, n),
    workspace: (doubles, arrays) => readout().workspace(doubles, arrays),
    dotRows: (a, na, lda, b, nb, ldb, t0, t1, symmetric, out) => readout().dotRows(a, na, lda, b, nb, ldb, t0, t1, symmetric, out),
  };
}

export const gpuJsBackend = makeGpuJsBackend('gpujs', 'headlessgl');
export const gpuJsCpuBackend = makeGpuJsBackend('gpujs-cpu', 'cpu');
