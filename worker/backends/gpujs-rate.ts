// The gpu.js rate kernels, apart from Node: the same code runs in a worker thread on headless GL
// (gpujs.ts) and in a page whose WebGL2 reaches the GPU (renderer/src/gpu-host, through
// common/gpu-host.ts). float32 on the device, the state kept there across steps (pipeline
// textures); the features are read back once per BLOCK steps.
import type { RateModelSpec } from '../../common/spec.js';
import { leakFactors } from '../models/rate.js';
import { Rng } from '../rng.js';
import type { BuiltNetwork } from '../types.js';

// gpu.js kernels are untyped JavaScript: their arguments, results and `this` are `any` here
export type Kernel = ((...args: any[]) => any) & { destroy?: () => void };
/** what we use of a gpu.js GPU */
export interface Gpu {
  /** a function, or its source text */
  createKernel(fn: ((...args: any[]) => any) | string, settings?: Record<string, unknown>): Kernel;
  destroy(): void;
  mode: string;
}

/** what a rate simulation needs of the built network */
export type GpuNetwork = Pick<BuiltNetwork, 'n' | 'd' | 'w' | 'u' | 'b' | 'tau'>;

/** Steps simulated between two read-backs of the features. */
export const BLOCK = 32;

const RATE_OF = `function (x) {
  if (this.constants.esn === 1) return x[this.thread.x];
  return Math.tanh(x[this.thread.x]);
}`;

// x' = a x + (1 - a) h (li) or (1 - a) x + a tanh(h) (esn), h = b + W r + U s, plus the noise z
const STEP = `function (x, r, w, u, s, b, a, z) {
  const i = this.thread.x;
  let h = b[i];
  for (let j = 0; j < this.constants.n; j++) h += w[i][j] * r[j];
  for (let k = 0; k < this.constants.d; k++) h += u[i][k] * s[k];
  if (this.constants.esn === 1) return (1 - a[i]) * x[i] + a[i] * Math.tanh(h) + z[i];
  return a[i] * x[i] + (1 - a[i]) * h + z[i];
}`;

// copies the block so far and writes this step's rates into its row
const RECORD = `function (block, r, row) {
  if (this.thread.y === row) return r[this.thread.x];
  return block[this.thread.y][this.thread.x];
}`;

function rows(a: ArrayLike<number>, r: number, c: number): Float32Array[] {
  const out: Float32Array[] = [];
  for (let i = 0; i < r; i++) out.push(Float32Array.from({ length: c }, (_, j) => a[i * c + j]));
  return out;
}

/**
 * A rate simulation on gpu.js (any mode: headless GL, a browser's WebGL2, or its CPU mode), the
 * features written into `out` (steps x n, time-major) and returned.
 */
export function simulateRateOnGpu<Out extends Float32Array | Float64Array>(
  gpu: Gpu,
  model: RateModelSpec,
  net: GpuNetwork,
  input: ArrayLike<number>,
  steps: number,
  noiseSeed: number,
  out: Out,
): Out {
  if (out.length !== steps * net.n) throw new Error(`simulateRateOnGpu: room for ${out.length} features, ${steps * net.n} needed`);
  const { n, d } = net;
  const esn = model.form === 'esn' ? 1 : 0;
  const leak = Float32Array.from(leakFactors(model, net.tau));
  const noise = model.noise;
  const rng = noise > 0 ? new Rng(noiseSeed) : null;
  const settings = { output: [n], pipeline: true, immutable: true, constants: { n, d, esn }, tactic: 'precision' };
  // The kernels are source text: gpu.js translates a kernel's source to GLSL, and a minifier (the
  // renderer's build) rewrites functions into forms its parser rejects.
  // r: tanh of the membrane state (li), the state itself (esn)
  const rateOf = gpu.createKernel(RATE_OF, settings);
  const step = gpu.createKernel(STEP, settings);
  const record = gpu.createKernel(RECORD, { output: [n, BLOCK], pipeline: true, immutable: true, tactic: 'precision' });
  try {
    const w = rows(net.w, n, n);
    const u = rows(net.u, n, d);
    const b = Float32Array.from(net.b);
    const zeros = new Float32Array(n);
    const z = new Float32Array(n);
    let x: any = new Float32Array(n);
    let block: any = rows(new Float32Array(n * BLOCK), BLOCK, n);
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
