// native-fma: the wasm-fma backend with the readout's dot products (the Gram matrices, X'Y, the
// ridge grid's products, the test predictions) in native code with 256- or 512-bit vectors
// (native/kernels.c), which WebAssembly's 128-bit SIMD cannot match: 3.2-3.5x wasm-fma's products
// on an Intel Xeon's AVX-512 (min of interleaved calls, N = 100-300). Its symmetric and general
// eigen-solvers (the readout's and the spectra's O(N^3) steps), the readout's centred transpose and
// the sparse rate simulation are the WebAssembly and TypeScript code ported with their bits; the
// dense float64 and the LIF simulations and the rest of the readout are wasm-fma's own code. Its
// numbers are its own: every product element is summed in one order on every path
// (native/kernels.c), which is not wasm-fma's, so its readouts differ from wasm-fma's in the last bits.
//
// native-f32-fma and native-f32-fma-split: native-fma with the dense float32 simulation in native
// code as well, on one thread or cut across two, with wasm-f32-fma's bits (native/kernels.c says
// how): where WebAssembly multiplies four lanes at a time, AVX-512 multiplies sixteen. Sparse
// networks run native-fma's (float64 CSR) simulation, whose bits are those of the WebAssembly
// backends' sparse simulation.
import { transpose } from '../linalg.js';
import { DENSE_ABOVE, leakFactors } from '../models/rate.js';
import { nativeKernels, type NativePath } from '../native/kernels.js';
import type { RateModelSpec } from '../../common/spec.js';
import type { BuiltNetwork } from '../types.js';
import { keptMemoryFits, type Backend } from './backend.js';
import { rateNoise, wasmF32FmaBackend, wasmFmaBackend } from './wasm.js';

/** the widest vectors this CPU runs (the same bits on every path), asked once rather than per product */
let path: NativePath | null = null;

/** The last simulation's rates of one backend, handed out again with `reuse` (fresh memory costs a page fault per 4 kB). */
function keptRates(): (size: number, reuse: boolean) => Float64Array {
  let kept: Float64Array | null = null;
  return (size, reuse) => {
    if (reuse && kept && keptMemoryFits(kept.byteLength, 8 * size)) return kept.subarray(0, size);
    kept = null; // let go of the old memory before taking the new
    const out = new Float64Array(size);
    if (reuse) kept = out;
    return out;
  };
}

/** a rate simulation in native code: dense float32 W (`dense`) or the float64 CSR one, on `parts` threads */
function simulateNative(model: RateModelSpec, net: BuiltNetwork, input: Float64Array, steps: number, noiseSeed: number, out: Float64Array, dense: boolean, parts: 1 | 2): Float64Array {
  const k = nativeKernels();
  const { n, d } = net;
  const noise = model.noise > 0 ? rateNoise(model, noiseSeed, new Float64Array(steps * n)) : new Float64Array(0);
  const esn = model.form === 'esn' ? 1 : 0;
  const leak = leakFactors(model, net.tau);
  if (dense) {
    path ??= k.bestPath();
    k.simulateRateF32(path, parts, esn, steps, n, d, net.w, net.u, net.b, leak, input, noise, out);
  } else {
    const { rowPtr, colIdx, values } = net.wCsr;
    k.simulateRateCsr(parts, esn, steps, n, d, rowPtr, colIdx, values, net.u, net.b, leak, input, noise, out);
  }
  return out;
}

const nativeFmaRates = keptRates();

export const nativeFmaBackend: Backend = {
  ...wasmFmaBackend,
  name: 'native-fma',
  dotRowsReadsAnywhere: true,

  simulateRate(model, net, input, steps, noiseSeed, reuse = false) {
    // a dense float64 W runs wasm-fma's product
    if (net.density > DENSE_ABOVE) return wasmFmaBackend.simulateRate(model, net, input, steps, noiseSeed, reuse);
    return simulateNative(model, net, input, steps, noiseSeed, nativeFmaRates(steps * net.n, reuse), false, 1);
  },

  dotRows(a, na, lda, b, nb, ldb, t0, t1, symmetric = false, out) {
    const k = nativeKernels();
    path ??= k.bestPath();
    const c = out ?? new Float64Array(na * nb);
    // symmetric mirrors the upper triangle, which equals the whole product only when B is A itself
    k.dotRows(path, a, na, lda, b, nb, ldb, t0, t1, c, symmetric && a === b && na === nb && lda === ldb);
    return c;
  },

  centredTranspose(x, n, T, t0, t1, ws) {
    // read where the features are (the wasm backend copies them into its memory first)
    const mu = new Float64Array(n);
    const xt = ws.f64(n * T);
    nativeKernels().centredTranspose(x, n, T, t0, t1, mu, xt);
    return { xt, mu };
  },

  eigenvalues(a, n) {
    const h = Float64Array.from(a.subarray(0, n * n));
    const re = new Float64Array(n);
    const im = new Float64Array(n);
    if (nativeKernels().eigenvaluesGeneral(h, n, re, im) !== 0) throw new Error('eigenvalue QR iteration did not converge');
    return { re, im };
  },

  symmetricEigen(a, n) {
    const vt = Float64Array.from(a.subarray(0, n * n)); // a is symmetric: its transpose is itself
    const d = new Float64Array(n);
    const e = new Float64Array(n);
    if (nativeKernels().symmetricEigen(vt, n, d, e) !== 0) throw new Error('symmetric eigen-solver did not converge');
    return { values: d, vectors: transpose(vt, n, n) };
  },
};

function makeNativeF32(name: string, parts: 1 | 2): Backend {
  const rates = keptRates();
  return {
    ...nativeFmaBackend,
    name,
    precision: 'float32',
    threadsPerRun: parts,
    // a batch stays on one thread, and its streams are simulateRate's bits: wasm-f32-fma's
    simulateRateBatch: parts === 1 ? wasmF32FmaBackend.simulateRateBatch : undefined,

    simulateRate(model, net, input, steps, noiseSeed, reuse = false) {
      return simulateNative(model, net, input, steps, noiseSeed, rates(steps * net.n, reuse), net.density > DENSE_ABOVE, parts);
    },
  };
}

export const nativeF32FmaBackend = makeNativeF32('native-f32-fma', 1);
/** native-f32-fma with each simulation cut across two threads (the same bits) */
export const nativeF32FmaSplitBackend = makeNativeF32('native-f32-fma-split', 2);
