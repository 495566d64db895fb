// The gpu.js backend for the rate model: float32 kernels that keep the state on the device across
// steps (pipeline textures), reading the features back once per block of steps, and the Gram / X'Y
// dot products as one kernel (gpuDotRows). The readout itself stays float64 (the WebAssembly or
// TypeScript products): a float32 Gram matrix loses the small-ridge end of the grid, since its
// rounding error (~1e-7 of its largest eigenvalue) swamps ridge values below that. gpu.js is an optional dependency: where it (or a GL context) is
// missing, the backend is unavailable and says why. 'gpujs' runs on WebGL (headless GL in Node,
// which needs an X display, e.g. Xvfb); 'gpujs-cpu' is gpu.js's own CPU mode, slow, kept so the
// same kernels can be checked everywhere. LIF and the eigen-decomposition use the TypeScript kernels.
import { createRequire } from 'node:module';
import { simulateLif } from '../models/lif.js';
import type { Backend } from './backend.js';
import { cpuBackend } from './cpu.js';
import { simulateRateOnGpu, type Gpu, type Kernel } from './gpujs-rate.js';
import { wasmBackend } from './wasm.js';
import { wasmAvailable } from '../wasm/kernels.js';

const readout = (): Backend => (wasmAvailable() ? wasmBackend : cpuBackend);

// gpu.js kernels are untyped JavaScript: the kernels below take `this` and their arguments as `any`
interface GpuCtor {
  new (settings: { mode: string }): Gpu;
}

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

/**
 * A float32 rate backend on gpu.js kernels: `rate` simulates, LIF runs the TypeScript kernel, and
 * the readout stays float64 (the WebAssembly kernels where they are built, else TypeScript).
 */
export function gpuRateBackend(name: string, rate: Pick<Backend, 'simulateRate' | 'simulateRateAsync' | 'oneThread'>): Backend {
  return {
    name,
    precision: 'float32',
    ...rate,
    simulateLif: (model, net, input, steps, seed, _reuse, spikeStats) => simulateLif(model, net, input, steps, seed, undefined, spikeStats),
    symmetricEigen: (a, n) => readout().symmetricEigen(a, n),
    workspace: (doubles, arrays) => readout().workspace(doubles, arrays),
    dotRows: (a, na, lda, b, nb, ldb, t0, t1, symmetric, out) => readout().dotRows(a, na, lda, b, nb, ldb, t0, t1, symmetric, out),
  };
}

function makeGpuJsBackend(name: string, mode: 'headlessgl' | 'cpu'): Backend {
  return gpuRateBackend(name, {
    // the gl module loads in one thread of a process only
    oneThread: mode === 'headlessgl',
    simulateRate: (model, net, input, steps, noiseSeed) => simulateRateOnGpu(gpuFor(mode), model, net, input, steps, noiseSeed, new Float64Array(steps * net.n)),
  });
}

export const gpuJsBackend = makeGpuJsBackend('gpujs', 'headlessgl');
export const gpuJsCpuBackend = makeGpuJsBackend('gpujs-cpu', 'cpu');
